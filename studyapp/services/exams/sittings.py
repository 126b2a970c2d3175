"""Sittings (场次): who may see and change one, create one with an audience, results, make-up.

Planning several at once is in planning.py; editing, extending and cancelling in changes.py.

Seeing: a sitting is visible to an organizer when its exam belongs to a unit they manage or its audience
reaches one of their units (the reports' rule, services.reports.audience), and they then see only their
units' members. Changing: the exam's own organizers may change any of its sittings; a branch organizer
may change the sittings whose whole audience lies in the units they manage (their branch's sitting of
the organization's exam).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ...domain import exam_status, scoring, timing
from ...models import Unit, User
from ...models.exams import Attempt, Exam, Sitting, SittingChange, SittingMember, SittingUnit
from ...models.types import utcnow
from ..errors import Conflict, Forbidden, Invalid
from ..reports.audience import is_visible, reportable_sitting
from ..scope import ancestors_select, subtree, unit_tree
from .definitions import shortages
from .visibility import may_schedule


def visible_sitting(session: Session, sitting_id: int, managed: set[int]) -> Sitting:
    """The sitting if the caller may see it (their exam, or an audience reaching their units)."""
    return reportable_sitting(session, sitting_id, managed)


def visible_sittings_of(session: Session, exam: Exam, managed: set[int]) -> list[Sitting]:
    """The exam's sittings the caller may see, by opening time."""
    tree = unit_tree(session)
    return [s for s in exam.sittings if is_visible(session, s, managed, tree)]


def may_change(session: Session, sitting: Sitting, managed: set[int]) -> bool:
    """The exam's organizers, or those managing every unit and listed member of the sitting's audience."""
    if sitting.exam.owner_unit_id in managed:
        return True
    units = {su.unit_id for su in sitting.units}
    listed = {sm.user_id for sm in sitting.members}
    if not units and not listed:
        return False
    if not units <= managed:
        return False
    if listed:
        outside = session.scalar(select(func.count()).where(User.id.in_(listed), User.unit_id.not_in(managed or {-1})))
        if outside:
            return False
    return True


def managed_sitting(session: Session, sitting_id: int, managed: set[int]) -> Sitting:
    """The sitting if the caller may change it; one they only see is Forbidden, any other NotFound."""
    sitting = visible_sitting(session, sitting_id, managed)
    if not may_change(session, sitting, managed):
        raise Forbidden("本场由上级组织安排，您只能查看")
    return sitting


def record(session: Session, sitting: Sitting, kind: str, actor: User | None, now: datetime | None,
           detail: dict | None = None) -> SittingChange:
    change = SittingChange(sitting=sitting, kind=kind, actor_id=actor.id if actor else None,
                           changed_at=now or utcnow(), detail=detail or {})
    session.add(change)
    return change


def check_audience(session: Session, managed: set[int], unit_ids, usernames) -> tuple[list[str], set[int]]:
    """Problems with a chosen audience, and the user ids of the listed login ids."""
    problems = []
    if any(u not in managed for u in unit_ids):
        problems.append("只能选择自己管理的支部")
    ids: set[int] = set()
    names = [n.strip() for n in usernames if n.strip()]
    if names:
        found = {name.lower(): id_ for name, id_ in session.execute(  # login ids are the same whatever the case
            select(User.username, User.id).where(func.lower(User.username).in_({n.lower() for n in names}),
                                                 User.unit_id.in_(managed or {-1}))
        ).all()}
        missing = [n for n in names if n.lower() not in found]
        if missing:
            problems.append("找不到这些党员编号（或不在您管理的支部）：" + "、".join(missing))
        ids |= set(found.values())
    return problems, ids


def create_sitting(
    session: Session, managed: set[int], exam: Exam, title: str, opens_at: datetime, closes_at: datetime,
    unit_ids: list[int] = (), usernames: list[str] = (), user_ids: list[int] = (), makeup_of: Sitting | None = None,
    actor: User | None = None, now: datetime | None = None, prepare: bool = True,
) -> Sitting:
    """A sitting for the given units (with all below them) and listed members, all within the caller's scope.

    Refused while the exam's paper cannot be filled: members would otherwise meet an empty paper. Papers
    are drawn ahead for its audience when it opens within services.exams.prepare's horizon (unless
    `prepare` is False: the benchmark times that step on its own)."""
    problems = []
    if not may_schedule(session, exam, managed):
        problems.append("这场考试尚未发布，不能安排场次")
    if not title.strip():
        problems.append("请填写场次名称")
    if closes_at <= opens_at:
        problems.append("结束时间必须晚于开始时间")
    audience_problems, ids = check_audience(session, managed, unit_ids, usernames)
    problems += audience_problems
    ids |= set(user_ids)
    if not unit_ids and not ids:
        problems.append("请至少选择一个支部或列出一名党员")
    short = shortages(session, exam)
    if short:
        problems.append("题库题目不足，不能安排场次：" + "；".join(s.message for s in short))
    if problems:
        raise Invalid("；".join(problems))
    sitting = Sitting(
        exam_id=exam.id, title=title.strip(), opens_at=opens_at, closes_at=closes_at,
        is_makeup=makeup_of is not None, makeup_of_id=makeup_of.id if makeup_of else None,
        units=[SittingUnit(unit_id=u) for u in sorted(set(unit_ids))],
        members=[SittingMember(user_id=u) for u in sorted(ids)],
    )
    session.add(sitting)
    record(session, sitting, "created", actor, now,
           {"makeup_of": makeup_of.title, "count": len(ids)} if makeup_of else {})
    session.flush()
    if prepare:
        from .prepare import prepare_sitting  # prepare reads audiences through this module

        prepare_sitting(session, sitting, now or utcnow())
    return sitting


def audience_includes(user_id, unit_id, nesting: bool = False):
    """A WHERE clause on Sitting: its audience includes the member (a unit at or above theirs, or listed by
    name), walked inside the database with no round trip of its own; the ids may be bindparams. nesting:
    as scope.ancestors_select (an UPDATE using the clause then still starts with UPDATE)."""
    return or_(
        select(SittingUnit.sitting_id).where(SittingUnit.sitting_id == Sitting.id,
                                             SittingUnit.unit_id.in_(ancestors_select(unit_id, nesting))).exists(),
        select(SittingMember.sitting_id).where(SittingMember.sitting_id == Sitting.id,
                                               SittingMember.user_id == user_id).exists(),
    )


def audience_filter(session: Session, user: User):
    """A WHERE clause on Sitting selecting the sittings whose audience includes the user."""
    return audience_includes(user.id, user.unit_id)


def _in_audience_condition(session: Session, sitting: Sitting):
    units = subtree(unit_tree(session), {su.unit_id for su in sitting.units})
    listed = {sm.user_id for sm in sitting.members}
    return and_(User.active.is_(True), or_(User.unit_id.in_(units or {-1}), User.id.in_(listed or {-1})))


def audience_members(session: Session, sitting: Sitting, scope: set[int] | None = None) -> list[User]:
    """Active people in the sitting's audience (within `scope` if given), by branch then login id."""
    stmt = select(User).where(_in_audience_condition(session, sitting))
    if scope is not None:
        stmt = stmt.where(User.unit_id.in_(scope or {-1}))
    return list(session.scalars(stmt.order_by(User.unit_id, User.username)))


def audience_ids(session: Session, sitting: Sitting) -> set[int]:
    """Ids of the active people in the sitting's audience (audience_members without loading them)."""
    return set(session.scalars(select(User.id).where(_in_audience_condition(session, sitting))))


@dataclass
class MemberResult:
    user: User
    unit_name: str
    attempts: int
    best: Attempt | None  # the attempt that counts in this sitting
    in_progress: bool
    outcome: str  # domain.exam_status vocabulary


def sitting_results(session: Session, sitting: Sitting, now: datetime,
                    scope: set[int] | None = None) -> list[MemberResult]:
    """Each audience member (within scope) with the attempt that counts and their status at `now`."""
    people = audience_members(session, sitting, scope)
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    window = timing.window_state(now, sitting.opens_at, sitting.closes_at)
    attempts: dict[int, list[Attempt]] = {}
    for attempt in session.scalars(select(Attempt).where(Attempt.sitting_id == sitting.id, Attempt.started)):
        attempts.setdefault(attempt.user_id, []).append(attempt)
    rows = []
    for person in people:
        mine = attempts.get(person.id, [])
        done = [a for a in mine if a.status == "submitted"]
        chosen = scoring.counting_attempt(
            [scoring.Scored(a.id, a.number, a.score) for a in done], sitting.exam.counting
        )
        best = next((a for a in done if a.id == chosen), None)
        going = any(a.status == "in_progress" for a in mine)
        status = exam_status.member_status(window, best is not None, going, best.passed if best else None)
        rows.append(MemberResult(person, names.get(person.unit_id, ""), len(mine), best, going, status))
    return rows


def make_up_sitting(
    session: Session, managed: set[int], sitting: Sitting, opens_at: datetime, closes_at: datetime, *,
    now: datetime, title: str | None = None, actor: User | None = None,
) -> Sitting:
    """One action, once the sitting has closed: a make-up sitting (补考) listing every member of the caller's
    units who was absent or failed."""
    if now < sitting.closes_at:
        raise Conflict("本场结束后才能安排补考")
    who = [row.user.id for row in sitting_results(session, sitting, now, managed)
           if exam_status.needs_makeup(row.outcome)]
    if not who:
        raise Invalid("没有缺考或不及格的党员，无需补考")
    return create_sitting(session, managed, sitting.exam, title or f"{sitting.title}（补考）", opens_at, closes_at,
                          user_ids=who, makeup_of=sitting, actor=actor, now=now)
