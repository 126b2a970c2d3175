"""Compliance: for each rule and period of a year, 已开展 / 未开展 / 逾期未开展 / 未到, from the days on
which completed activities took place (local dates) and the moment `now`."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from .periods import Period, periods
from .rules import BranchFacts, Rule, rules_for

DONE, PENDING, OVERDUE, FUTURE = "done", "pending", "overdue", "future"
STATE_LABELS = {DONE: "已开展", PENDING: "未开展", OVERDUE: "逾期未开展", FUTURE: "未到期"}
WORST = {FUTURE: 0, DONE: 1, PENDING: 2, OVERDUE: 3}


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
        return self._tally()[state]

    def _tally(self) -> Counter:
        if "tally" not in self.__dict__:
            self.__dict__["tally"] = Counter(cell.state for cell in self.cells)
        return self.__dict__["tally"]

    def by_rule(self) -> list[tuple[Rule, list[Cell]]]:
        grouped: dict[Rule, list[Cell]] = {}
        for cell in self.cells:
            grouped.setdefault(cell.rule, []).append(cell)
        return list(grouped.items())

    def month_state(self, month: int) -> str:
        """The worst state among cells whose period ends in `month` (for a one-row strip of 12)."""
        if "months" not in self.__dict__:
            months: dict[int, str] = {}
            for cell in self.cells:
                last = cell.period.last_month
                if WORST[cell.state] > WORST[months.get(last, FUTURE)]:
                    months[last] = cell.state
            self.__dict__["months"] = months
        return self.__dict__["months"].get(month, FUTURE)


def period_state(period: Period, held: int, now: datetime, zone: ZoneInfo) -> str:
    if held:
        return DONE
    if now >= period.end(zone):
        return OVERDUE
    if now >= period.start(zone):
        return PENDING
    return FUTURE


@lru_cache(maxsize=16)
def _timeline(granularity: str, year: int, now: datetime, zone: ZoneInfo) -> tuple[tuple[Period, str], ...]:
    """Each period with its state when nothing was held: the same for every branch at `now`."""
    return tuple((period, period_state(period, 0, now, zone)) for period in periods(year, granularity))


def branch_year(facts: BranchFacts, year: int, done: Iterable[tuple[str, date]], now: datetime, zone: ZoneInfo,
                planned: Iterable[tuple[str, date]] = ()) -> BranchYear:
    """Every (rule, period) of `year` for a branch; `done`/`planned` are (kind, local date) of its activities."""
    held = Counter((kind, day.month) for kind, day in done if day.year == year)
    plans = Counter((kind, day.month) for kind, day in planned if day.year == year)
    applying, exempt = rules_for(facts)
    result = BranchYear(year, exempt=exempt)
    for rule in applying:
        for period, empty_state in _timeline(rule.granularity, year, now, zone):
            months = range(period.first_month, period.last_month + 1)
            count = sum(held[(rule.kind, month)] for month in months) if held else 0
            result.cells.append(Cell(rule, period, DONE if count else empty_state, count,
                                     sum(plans[(rule.kind, month)] for month in months) if plans else 0))
    return result
