"""Sittings (场次): create one with an audience, plan several with the planner, make up from results."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...domain import planner, scoring
from ...models import Unit, User
from ...models.exams import Attempt, Exam, Sitting, SittingMember, SittingUnit
from ..errors import Invalid, NotFound
from ..scope import ancestors, subtree, unit_tree


def managed_sitting(session: Session, sitting_id: int, managed: set[int]) -> Sitting:
    sitting = session.get(Sitting, sitting_id)
    if sitting is None or sitting.exam.owner_unit_id not in managed:
        raise NotFound("场次不存在")
    return sitting


def create_sitting(
    session: Session, managed: set[int], exam: Exam, title: str, opens_at: datetime, closes_at: datetime,
    unit_ids: list[int] = (), usernames: list[str] = (), user_ids: list[int] = (), makeup_of: Sitting | None = None,
) -> Sitting:
    """A sitting for the given units (with all below them) and listed members, all within the caller's scope."""
    problems = []
    if not title.strip():
        problems.append("请填写场次名称")
    if closes_at <= opens_at:
        problems.append("结束时间必须晚于开始时间")
    outside = [u for u in unit_ids if u not in managed]
    if outside:
        problems.append("只能选择自己管理的支部")
    ids = set(user_ids)
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
    if not unit_ids and not ids:
        problems.append("请至少选择一个支部或列出一名党员")
    if problems:
        raise Invalid("；".join(problems))
    sitting = Sitting(
        exam_id=exam.id, title=title.strip(), opens_at=opens_at, closes_at=closes_at,
        is_makeup=makeup_of is not None, makeup_of_id=makeup_of.id if makeup_of else None,
        units=[SittingUnit(unit_id=u) for u in sorted(set(unit_ids))],
        members=[SittingMember(user_id=u) for u in sorted(ids)],
    )
    session.add(sitting)
    session.flush()
    return sitting


def in_audience(session: Session, user: User, sitting_id: int) -> bool:
    by_unit = select(SittingUnit.sitting_id).where(
        SittingUnit.sitting_id == sitting_id, SittingUnit.unit_id.in_(ancestors(session, user.unit_id))
    )
    listed = select(SittingMember.sitting_id).where(
        SittingMember.sitting_id == sitting_id, SittingMember.user_id == user.id
    )
    return session.scalar(select(by_unit.union(listed).subquery().c.sitting_id).limit(1)) is not None


def audience_filter(session: Session, user: User):
    """A WHERE clause on Sitting selecting the sittings whose audience includes the user."""
    return or_(
        Sitting.id.in_(select(SittingUnit.sitting_id).where(SittingUnit.unit_id.in_(ancestors(session, user.unit_id)))),
        Sitting.id.in_(select(SittingMember.sitting_id).where(SittingMember.user_id == user.id)),
    )


def audience_members(session: Session, sitting: Sitting) -> list[User]:
    """Active people in the sitting's audience, by branch then login id."""
    units = subtree(unit_tree(session), {su.unit_id for su in sitting.units})
    listed = {sm.user_id for sm in sitting.members}
    return list(session.scalars(
        select(User).where(User.active.is_(True), or_(User.unit_id.in_(units or {-1}), User.id.in_(listed or {-1})))
        .order_by(User.unit_id, User.username)
    ))


def plan_sittings(
    session: Session, managed: set[int], exam: Exam, unit_ids: list[int], opens_at: datetime, closes_at: datetime,
    title: str, n: int | None = None, k: int | None = None,
) -> list[Sitting]:
    """Split the chosen units into N sittings or sittings of at most K members; branches stay whole."""
    if bool(n) == bool(k):
        raise Invalid("请填写场次数或每场最多人数（二选一）")
    if not unit_ids or any(u not in managed for u in unit_ids):
        raise Invalid("请选择自己管理的支部")
    tree = unit_tree(session)
    groups = []
    for unit_id in _planning_units(session, tree, set(unit_ids)):
        below = subtree(tree, {unit_id})
        count = session.scalar(select(func.count()).where(User.unit_id.in_(below), User.active.is_(True)))
        groups.append(planner.Group(unit_id, count or 0))
    batches = planner.split_into(groups, n) if n else planner.split_by_max(groups, k)
    return [
        create_sitting(session, managed, exam, f"{title}（第{i}场）" if len(batches) > 1 else title,
                       opens_at, closes_at, unit_ids=batch.unit_ids)
        for i, batch in enumerate(batches, start=1)
    ]


def _planning_units(session: Session, tree: dict[int, list[int]], chosen: set[int]) -> list[int]:
    """The branches to keep whole: an organization chosen is split into its branches, and a unit that lies
    inside another chosen one is not counted twice."""
    rows = session.execute(select(Unit.id, Unit.parent_id, Unit.kind)).all()
    parent = {uid: pid for uid, pid, _ in rows}
    kind = {uid: k for uid, _, k in rows}
    units: set[int] = set()
    for unit_id in chosen:
        branches = {u for u in subtree(tree, {unit_id}) if kind.get(u) == "branch"}
        units |= branches or {unit_id}

    def inside_another(unit_id: int) -> bool:
        current = parent.get(unit_id)
        while current is not None:
            if current in units:
                return True
            current = parent.get(current)
        return False

    return sorted(u for u in units if not inside_another(u))


@dataclass
class MemberResult:
    user: User
    unit_name: str
    attempts: int
    best: Attempt | None  # the attempt that counts in this sitting
    in_progress: bool

    @property
    def outcome(self) -> str:
        if self.best is None:
            return "答题中" if self.in_progress else "缺考"
        return "及格" if self.best.passed else "不及格"


def sitting_results(session: Session, sitting: Sitting) -> list[MemberResult]:
    """Each audience member with the attempt that counts in this sitting (absent members included)."""
    people = audience_members(session, sitting)
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    attempts: dict[int, list[Attempt]] = {}
    for attempt in session.scalars(select(Attempt).where(Attempt.sitting_id == sitting.id)):
        attempts.setdefault(attempt.user_id, []).append(attempt)
    rows = []
    for person in people:
        mine = attempts.get(person.id, [])
        done = [a for a in mine if a.status == "submitted"]
        chosen = scoring.counting_attempt(
            [scoring.Scored(a.id, a.number, a.score) for a in done], sitting.exam.counting
        )
        best = next((a for a in done if a.id == chosen), None)
        rows.append(MemberResult(person, names.get(person.unit_id, ""), len(mine), best,
                                 any(a.status == "in_progress" for a in mine)))
    return rows


def make_up_sitting(
    session: Session, managed: set[int], sitting: Sitting, opens_at: datetime, closes_at: datetime,
    title: str | None = None,
) -> Sitting:
    """One action: a make-up sitting (补考) listing every member absent from or failing the sitting."""
    who = [row.user.id for row in sitting_results(session, sitting)
           if (row.best is None and not row.in_progress) or (row.best is not None and not row.best.passed)]
    if not who:
        raise Invalid("没有缺考或不及格的党员，无需补考")
    return create_sitting(session, managed, sitting.exam, title or f"{sitting.title}（补考）", opens_at, closes_at,
                          user_ids=who, makeup_of=sitting)
