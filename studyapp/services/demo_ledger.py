"""Demo ledger: a year of plausible organizational life for the five demo branches, uneven on purpose so the
calendar shows every state: 第三党支部 misses some 支委会, 第五党支部 stopped holding them in the summer,
第四党支部 has not held its 组织生活会, and next week's meetings are planned. Runs once (skipped when the
demo organization already has activities)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain.ledger import kinds
from ..models import Unit, User
from ..models.ledger import Activity, PartyGroup
from .ledger.activities import ActivityInput, save_activity
from .ledger.signin import open_signin
from .scope import managed_unit_ids

ZONE = ZoneInfo("Asia/Shanghai")
TOPICS = {
    kinds.COMMITTEE: ["研究{m}月份支部工作安排", "讨论发展党员工作", "研究党费收缴情况", "研究主题党日活动方案"],
    kinds.THEME_DAY: ["重温入党誓词", "学习《支部工作条例》第四章", "志愿服务进社区", "参观红色教育基地"],
    kinds.GROUP_MEETING: ["交流学习体会", "开展批评与自我批评", "学习党章"],
    kinds.GENERAL_MEETING: ["听取支部委员会工作报告", "讨论预备党员转正", "通报季度工作"],
    kinds.PARTY_LECTURE: ["支部书记讲党课：做合格党员", "身边人讲身边事"],
    kinds.LIFE_MEETING: ["年度组织生活会"], kinds.APPRAISAL: ["年度民主评议党员"], kinds.HEART_TALK: ["谈心谈话"],
}
#: Months (1-based) in which a branch skipped its 支委会: the calendar shows them overdue.
MISSED_COMMITTEE = {"第三党支部": {3, 6, 9}, "第五党支部": {7, 8, 9, 10, 11}}
NO_LIFE_MEETING = {"第四党支部"}
WITH_GROUPS = ("第一党支部", "第二党支部", "第三党支部")
REASONS = ["出差", "病假", "值班", "外出培训"]


def seed_ledger(session: Session, organization_name: str, now: datetime) -> list[str]:
    """Seed the year up to `now` for the demo branches; what was created, for the demo report."""
    org = session.scalar(select(Unit).where(Unit.parent_id.is_(None), Unit.name == organization_name))
    admin = session.scalar(select(User).where(User.username == "admin"))
    if org is None or admin is None or session.scalar(select(Activity.id).where(Activity.organization_id == org.id)):
        return []
    branches = list(session.scalars(select(Unit).where(Unit.parent_id == org.id, Unit.kind == "branch")
                                    .order_by(Unit.sort_order, Unit.id)))
    _membership(session, branches)
    rng, managed, local_now = random.Random(19), managed_unit_ids(session, admin), now.astimezone(ZONE)
    year, count = local_now.year, 0
    for branch in branches:
        members = list(session.scalars(select(User).where(User.unit_id == branch.id, User.role != "admin")
                                       .order_by(User.username)))
        groups = list(session.scalars(select(PartyGroup).where(PartyGroup.unit_id == branch.id)))
        for kind, day in _schedule(branch.name, year, local_now, bool(groups)):
            starts = datetime(year, day[0], day[1], 14, 30, tzinfo=ZONE).astimezone(timezone.utc)
            if starts > now:
                continue
            save_activity(session, admin, managed, branch.id, None,
                          _input(kind, starts, members, groups, rng, day[0]), now, ZONE)
            count += 1
        soon = now + timedelta(days=7)
        planned = save_activity(session, admin, managed, branch.id, None, ActivityInput(
            kind=kinds.COMMITTEE, status=kinds.PLANNED, starts_at=soon, ends_at=soon + timedelta(hours=1),
            topic="研究下月工作", place="党员活动室"), now, ZONE)
        open_signin(session, admin, planned, None, None)
        count += 1
    session.flush()
    return [f"组织生活记录 {count} 条"]


def _membership(session: Session, branches: list[Unit]) -> None:
    """Every eighth member is a 预备党员; the first three branches have two 党小组 each."""
    for branch in branches:
        people = list(session.scalars(select(User.id).where(User.unit_id == branch.id, User.role == "member")
                                      .order_by(User.username)))
        session.execute(update(User).where(User.id.in_(people[::8])).values(member_kind=kinds.PROBATIONARY))
        if branch.name in WITH_GROUPS:
            groups = [PartyGroup(unit_id=branch.id, name=name) for name in ("第一党小组", "第二党小组")]
            session.add_all(groups)
            session.flush()
            for n, group in enumerate(groups):
                session.execute(update(User).where(User.id.in_(people[n::2])).values(party_group_id=group.id))
    session.flush()


def _schedule(branch: str, year: int, local_now: datetime, has_groups: bool) -> list[tuple[str, tuple[int, int]]]:
    plan = []
    for month in range(1, local_now.month + 1):
        plan.append((kinds.THEME_DAY, (month, 10)))
        # This month's 支委会 is still to come everywhere: the calendar shows it open (未开展).
        if month < local_now.month and month not in MISSED_COMMITTEE.get(branch, ()):
            plan.append((kinds.COMMITTEE, (month, 5)))
        if has_groups and not (branch == "第二党支部" and month in (2, 8)):
            plan.append((kinds.GROUP_MEETING, (month, 15)))
        if month % 3 == 0:
            plan.append((kinds.GENERAL_MEETING, (month, 20)))
            plan.append((kinds.PARTY_LECTURE, (month, 25)))
    if local_now.month >= 11:
        if branch not in NO_LIFE_MEETING:
            plan.append((kinds.LIFE_MEETING, (11, 28)))
        plan.append((kinds.APPRAISAL, (11, 29)))
    plan.append((kinds.HEART_TALK, (min(local_now.month, 6), 18)))
    return plan


def _input(kind: str, starts: datetime, members: list[User], groups: list[PartyGroup], rng: random.Random,
           month: int) -> ActivityInput:
    group = groups[month % len(groups)] if kind == kinds.GROUP_MEETING and groups else None
    invited = [m for m in members if group is None or m.party_group_id == group.id]
    if kind == kinds.COMMITTEE:
        invited = members[:5]  # the committee
    attendance = {}
    for person in invited:
        roll = rng.random()
        state = kinds.PRESENT if roll < 0.86 else kinds.LEAVE if roll < 0.96 else kinds.ABSENT
        attendance[person.id] = (state, rng.choice(REASONS) if state == kinds.LEAVE else "")
    topic = rng.choice(TOPICS[kind]).format(m=month)
    chair = members[0] if members else None
    return ActivityInput(
        kind=kind, status=kinds.DONE, starts_at=starts, ends_at=starts + timedelta(hours=1, minutes=30), topic=topic,
        place="党员活动室", chair_id=chair.id if chair else None,
        recorder_id=members[1].id if len(members) > 1 else None, party_group_id=group.id if group else None,
        minutes_md=f"## 议程\n\n1. {topic}\n2. 传达上级有关精神\n\n## 讨论情况\n\n与会党员逐一发言，一致同意有关安排。",
        decisions="按计划推进，下次会议通报落实情况。" if kind in (kinds.COMMITTEE, kinds.GENERAL_MEETING) else "",
        minutes_public=kind != kinds.COMMITTEE, votes=kind == kinds.GENERAL_MEETING, attendance=attendance)
