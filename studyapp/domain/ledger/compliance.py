"""Compliance: for each rule and period of a year, 已开展 / 未开展 / 逾期未开展 / 未到, from the days on
which completed activities took place (local dates) and the moment `now`."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .periods import Period, periods
from .rules import BranchFacts, Rule, rules_for

DONE, PENDING, OVERDUE, FUTURE = "done", "pending", "overdue", "future"
STATE_LABELS = {DONE: "已开展", PENDING: "未开展", OVERDUE: "逾期未开展", FUTURE: "未到期"}


@dataclass(frozen=True)
class Cell:
    rule: Rule
    period: Period
    state: str
    held: int = 0  # completed activities of the rule's kind in the period
    planned: int = 0  # planned (not yet completed) ones

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def hint(self) -> str:
        """The rule and its article, for hover/tap."""
        return f"{self.rule.text}。依据：{self.rule.citation}"


@dataclass
class BranchYear:
    year: int
    cells: list[Cell] = field(default_factory=list)
    exempt: list[Rule] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for cell in self.cells if cell.state == state)

    def by_rule(self) -> list[tuple[Rule, list[Cell]]]:
        grouped: dict[Rule, list[Cell]] = {}
        for cell in self.cells:
            grouped.setdefault(cell.rule, []).append(cell)
        return list(grouped.items())

    def month_state(self, month: int) -> str:
        """The worst state among cells whose period ends in `month` (for a one-row strip of 12)."""
        states = {cell.state for cell in self.cells if cell.period.last_month == month}
        for state in (OVERDUE, PENDING, DONE, FUTURE):
            if state in states:
                return state
        return FUTURE


def period_state(period: Period, held: int, now: datetime, zone: ZoneInfo) -> str:
    if held:
        return DONE
    if now >= period.end(zone):
        return OVERDUE
    if now >= period.start(zone):
        return PENDING
    return FUTURE


def branch_year(facts: BranchFacts, year: int, done: Iterable[tuple[str, date]], now: datetime, zone: ZoneInfo,
                planned: Iterable[tuple[str, date]] = ()) -> BranchYear:
    """Every (rule, period) of `year` for a branch; `done`/`planned` are (kind, local date) of its activities."""
    held_days: dict[str, list[date]] = {}
    for kind, day in done:
        if day.year == year:
            held_days.setdefault(kind, []).append(day)
    planned_days: dict[str, list[date]] = {}
    for kind, day in planned:
        if day.year == year:
            planned_days.setdefault(kind, []).append(day)
    applying, exempt = rules_for(facts)
    result = BranchYear(year, exempt=exempt)
    for rule in applying:
        days, plans = held_days.get(rule.kind, []), planned_days.get(rule.kind, [])
        for period in periods(year, rule.granularity):
            held = sum(1 for day in days if period.contains(day))
            result.cells.append(Cell(rule, period, period_state(period, held, now, zone), held,
                                     sum(1 for day in plans if period.contains(day))))
    return result
