"""The sitting planner (分批安排场次): split chosen branches into batches, propose staggered times, save.

Proposing writes nothing: the organizer sees each batch's branches, head count and times, may move any
time, and saves the whole plan at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain import planner
from ...models import Unit, User
from ...models.exams import Exam, Sitting
from ..errors import Invalid
from ..scope import subtree, unit_tree
from .sittings import create_sitting


@dataclass
class ProposedSitting:
    unit_ids: list[int]
    unit_names: list[str]
    members: int
    opens_at: datetime
    closes_at: datetime


def propose(
    session: Session, managed: set[int], unit_ids: list[int], first_opens_at: datetime, length: timedelta,
    gap: timedelta, n: int | None = None, k: int | None = None,
) -> list[ProposedSitting]:
    """Batches of whole branches (N batches, or at most K members each), one after another in time."""
    if bool(n) == bool(k):
        raise Invalid("请填写场次数或每场最多人数（二选一）")
    if not unit_ids or any(u not in managed for u in unit_ids):
        raise Invalid("请选择自己管理的支部")
    if length <= timedelta(0):
        raise Invalid("每场时长应大于0")
    if gap < timedelta(0):
        raise Invalid("两场之间的间隔不能为负")
    tree = unit_tree(session)
    groups = []
    for unit_id in _planning_units(session, tree, set(unit_ids)):
        below = subtree(tree, {unit_id})
        count = session.scalar(select(func.count()).where(User.unit_id.in_(below), User.active.is_(True)))
        groups.append(planner.Group(unit_id, count or 0))
    batches = planner.split_into(groups, n) if n else planner.split_by_max(groups, k)
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    times = planner.stagger(first_opens_at, length, gap, len(batches))
    return [ProposedSitting(b.unit_ids, [names.get(u, "") for u in b.unit_ids], b.members, opens, closes)
            for b, (opens, closes) in zip(batches, times)]


def save_plan(session: Session, managed: set[int], exam: Exam, title: str, plan: list[tuple[list[int], datetime, datetime]],
              actor: User | None = None, now: datetime | None = None) -> list[Sitting]:
    """Create the planned sittings (units, opens, closes) as the organizer left them; all or nothing."""
    if not plan:
        raise Invalid("没有要创建的场次")
    problems = []
    for i, (_units, opens, closes) in enumerate(plan, start=1):
        if closes <= opens:
            problems.append(f"第{i}场：结束时间必须晚于开始时间")
    if problems:
        raise Invalid("；".join(problems))
    return [
        create_sitting(session, managed, exam, f"{title}（第{i}场）" if len(plan) > 1 else title, opens, closes,
                       unit_ids=units, actor=actor, now=now)
        for i, (units, opens, closes) in enumerate(plan, start=1)
    ]


def plan_sittings(
    session: Session, managed: set[int], exam: Exam, unit_ids: list[int], opens_at: datetime, closes_at: datetime,
    title: str, n: int | None = None, k: int | None = None, gap: timedelta = timedelta(0),
    actor: User | None = None, now: datetime | None = None,
) -> list[Sitting]:
    """Propose and save in one step: the first batch from opens_at to closes_at, the next ones after it."""
    proposed = propose(session, managed, unit_ids, opens_at, closes_at - opens_at, gap, n=n, k=k)
    return save_plan(session, managed, exam, title, [(p.unit_ids, p.opens_at, p.closes_at) for p in proposed],
                     actor=actor, now=now)


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
