"""The compliance calendar: each branch's year against the rules, for one branch or all managed ones.

The organization's view costs a fixed number of queries whatever the number of branches: the branches,
their full-member counts, their 党小组 counts and the year's activities, each in one query.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.ledger import kinds
from ...domain.ledger.compliance import DONE, OVERDUE, PENDING, BranchYear, Cell, branch_year
from ...domain.ledger.periods import YEAR, Period, local_date
from ...domain.ledger.rules import BranchFacts
from ...models import Unit, User
from ...models.ledger import Activity, PartyGroup
from .scope import managed_branches

SORTS = {"overdue": "逾期最多", "name": "支部顺序", "done": "已开展最少"}


@dataclass
class BranchRow:
    unit: Unit
    facts: BranchFacts
    year: BranchYear

    @property
    def overdue(self) -> int:
        return self.year.count(OVERDUE)

    @property
    def done(self) -> int:
        return self.year.count(DONE)

    @property
    def pending(self) -> int:
        return self.year.count(PENDING)

    def overdue_cells(self) -> list[Cell]:
        return [cell for cell in self.year.cells if cell.state == OVERDUE]


def branch_facts(session: Session, unit_ids: list[int]) -> dict[int, BranchFacts]:
    """Full members and 党小组 of each branch, in two grouped queries."""
    full = dict(session.execute(
        select(User.unit_id, func.count()).where(User.unit_id.in_(unit_ids), User.active.is_(True),
                                                 User.role != "admin", User.member_kind == kinds.FULL)
        .group_by(User.unit_id)).all()) if unit_ids else {}
    groups = dict(session.execute(
        select(PartyGroup.unit_id, func.count()).where(PartyGroup.unit_id.in_(unit_ids))
        .group_by(PartyGroup.unit_id)).all()) if unit_ids else {}
    return {unit_id: BranchFacts(full.get(unit_id, 0), groups.get(unit_id, 0)) for unit_id in unit_ids}


def year_days(session: Session, unit_ids: list[int], year: int, zone: ZoneInfo):
    """unit id -> (done [(kind, local day)], planned [(kind, local day)]) for the year, in one query."""
    span = Period(year, YEAR, 1)
    result: dict[int, tuple[list, list]] = {unit_id: ([], []) for unit_id in unit_ids}
    if not unit_ids:
        return result
    rows = session.execute(select(Activity.unit_id, Activity.kind, Activity.status, Activity.starts_at).where(
        Activity.unit_id.in_(unit_ids), Activity.starts_at >= span.start(zone), Activity.starts_at < span.end(zone)))
    for unit_id, kind, status, starts_at in rows:
        result[unit_id][0 if status == kinds.DONE else 1].append((kind, local_date(starts_at, zone)))
    return result


def calendar_rows(session: Session, units: list[Unit], year: int, now: datetime, zone: ZoneInfo) -> list[BranchRow]:
    ids = [unit.id for unit in units]
    facts, days = branch_facts(session, ids), year_days(session, ids, year, zone)
    return [BranchRow(unit, facts[unit.id], branch_year(facts[unit.id], year, days[unit.id][0], now, zone,
                                                        planned=days[unit.id][1])) for unit in units]


def organization_calendar(session: Session, managed: set[int], year: int, now: datetime, zone: ZoneInfo,
                          sort: str = "overdue") -> list[BranchRow]:
    """Every managed branch's year; sorted by overdue items (most first), tree order, or fewest done."""
    rows = calendar_rows(session, managed_branches(session, managed), year, now, zone)
    if sort == "overdue":
        rows.sort(key=lambda row: -row.overdue)  # stable: tree order among equals
    elif sort == "done":
        rows.sort(key=lambda row: row.done)
    return rows


def chase_list(rows: list[BranchRow]) -> list[BranchRow]:
    """Branches with overdue items, most overdue first."""
    return sorted((row for row in rows if row.overdue), key=lambda row: -row.overdue)


def reminder_text(rows: list[BranchRow], year: int) -> str:
    """The message an organizer copies into a chat group: each branch and what it has not held."""
    lines = [f"【三会一课提醒】以下支部{year}年有逾期未开展的组织生活，请尽快开展并录入台账："]
    for row in rows:
        items: dict[str, list[str]] = {}
        for cell in row.overdue_cells():
            items.setdefault(kinds.SHORT[cell.rule.kind], []).append(
                "全年" if cell.period.granularity == YEAR else cell.period.label)
        detail = "；".join(f"{label} {'、'.join(periods)}" for label, periods in items.items())
        lines.append(f"{row.unit.name}：{detail}")
    return "\n".join(lines)
