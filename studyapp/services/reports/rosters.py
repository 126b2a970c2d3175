"""Per-member lists of a sitting: the score list (成绩单) and the chase list (未参考名单).

Both are one SELECT over the audience with the counted attempt and an attempt tally joined on, read
in batches (yield_per: a server-side cursor on PostgreSQL), so an export of 10,000 members streams
row by row instead of sitting in memory.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from ...domain import chase, exam_status, timing
from ...domain.score_text import verdict
from ...domain.scoring import percent
from ...models import Unit, User
from ...models.exams import Attempt
from .audience import Audience
from .sitting import counting_order

BATCH = 500

SCORE_HEADERS = ["支部", "党员编号", "姓名", "状态", "作答次数", "成绩", "满分", "得分率(%)", "是否及格", "用时(分钟)",
                 "交卷时间"]
CHASE_HEADERS = ["支部", "党员编号", "姓名", "联系电话", "状态"]


@dataclass
class MemberLine:
    user_id: int
    unit_id: int
    unit_name: str
    username: str
    name: str
    phone: str | None
    attempts: int
    in_progress: bool
    score: float | None
    max_score: float | None
    passed: bool | None
    time_used_seconds: int | None
    submitted_at: datetime | None
    #: The sitting's window (domain.timing) when the list was read: 缺考 only once it has closed.
    window: str = timing.OPEN

    @property
    def status(self) -> str:
        return exam_status.member_status(self.window, self.score is not None, self.in_progress, self.passed)

    @property
    def percent(self) -> float | None:
        return percent(self.score, self.max_score) if self.score is not None else None

    @property
    def minutes(self) -> float | None:
        return round(self.time_used_seconds / 60, 1) if self.time_used_seconds is not None else None


def member_statement(audience: Audience, absent_only: bool = False, unit_id: int | None = None) -> Select:
    """Every audience member (or only those with no submitted attempt), by branch then 党员编号.

    A plain statement, so a streamed download can run it later on a session of its own."""
    # Correlated look-ups per member use the (user_id, ...) index; joining the window-function subquery
    # instead made SQLite rescan it for every member (seconds for 10,000 people).
    sitting = audience.sitting
    mine = (Attempt.sitting_id == sitting.id, Attempt.user_id == User.id)
    pick = (select(Attempt.id).where(*mine, Attempt.status == "submitted").order_by(*counting_order(sitting.exam))
            .limit(1).correlate(User).scalar_subquery())
    tries = select(func.count(Attempt.id)).where(*mine, Attempt.started).correlate(User).scalar_subquery()
    answering = exists().where(*mine, Attempt.status == "in_progress").correlate(User)
    counted = aliased(Attempt, name="counted")
    stmt = (
        select(User.id, User.unit_id, Unit.name, User.username, User.name, User.phone, tries, answering,
               counted.score, counted.max_score, counted.passed, counted.time_used_seconds, counted.submitted_at)
        .join(Unit, Unit.id == User.unit_id)
        .outerjoin(counted, counted.id == pick)
        .where(audience.condition())
        .order_by(Unit.sort_order, Unit.name, User.username)
    )
    if absent_only:
        stmt = stmt.where(counted.id.is_(None))
    if unit_id is not None:
        stmt = stmt.where(User.unit_id == unit_id)
    return stmt


def read_lines(session: Session, stmt: Select, window: str = timing.OPEN) -> Iterator[MemberLine]:
    """The statement's rows, fetched in batches of BATCH."""
    for row in session.execute(stmt.execution_options(yield_per=BATCH)):
        yield MemberLine(row[0], row[1], row[2], row[3], row[4], row[5], row[6] or 0, bool(row[7]), *row[8:],
                         window=window)


def window_at(audience: Audience, now: datetime) -> str:
    sitting = audience.sitting
    return timing.window_state(now, sitting.opens_at, sitting.closes_at)


def member_lines(session: Session, audience: Audience, absent_only: bool = False,
                 unit_id: int | None = None, now: datetime | None = None) -> Iterator[MemberLine]:
    window = window_at(audience, now) if now is not None else timing.OPEN
    return read_lines(session, member_statement(audience, absent_only, unit_id), window)


def score_rows(lines: Iterator[MemberLine], localize: Callable = lambda d: d) -> Iterator[list]:
    for line in lines:
        yield [line.unit_name, line.username, line.name, line.status, line.attempts, line.score, line.max_score,
               line.percent, verdict(line.passed) or None, line.minutes,
               localize(line.submitted_at) if line.submitted_at else None]


def chase_rows(lines: Iterator[MemberLine]) -> Iterator[list]:
    for line in lines:
        yield [line.unit_name, line.username, line.name, line.phone or "", line.status]


def by_branch_in_tree_order(session: Session, lines: list[MemberLine]) -> list[tuple[str, list[MemberLine]]]:
    """Lines grouped by branch, branches in the order of the unit tree (not alphabetical)."""
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.sort_order, Unit.name)).all()
    rank = chase.tree_order({r.id: r.parent_id for r in rows}, {r.id: (r.sort_order, r.name, r.id) for r in rows})
    groups: dict[int, list[MemberLine]] = {}
    for line in lines:
        groups.setdefault(line.unit_id, []).append(line)
    return [(group[0].unit_name, group) for unit_id, group in sorted(groups.items(), key=lambda g: rank.get(g[0], 0))]
