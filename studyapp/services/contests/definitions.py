"""Contests as organizers define them, and which contests a member may play."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ...domain.content_files import chapter_label
from ...models import Chapter, Question, QuestionVersion, User
from ...models.contests import Contest, ContestAudience
from ..errors import Invalid, NotFound
from .. import scope
from ..scope import ancestors, subtree, unit_tree


@dataclass
class ContestInput:
    title: str
    owner_unit_id: int
    module_id: int
    opens_at: datetime | None
    closes_at: datetime | None
    audience_unit_ids: list[int]
    chapters: list[int] = field(default_factory=list)
    questions_per_round: int = 10
    seconds_per_question: int = 20
    latency_allowance_seconds: int = 2
    freeze_minutes: int = 0
    max_rounds_per_member: int = 3
    fast_answer_threshold_ms: int = 1500


def _check(session: Session, actor: User, managed: set[int], data: ContestInput) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append("请填写竞赛名称")
    if data.owner_unit_id not in managed:
        problems.append("只能以您管理的组织名义举办竞赛")
    if not data.audience_unit_ids:
        problems.append("请至少选择一个参赛范围")
    elif not set(data.audience_unit_ids) <= managed:
        problems.append("参赛范围只能是您管理的组织")
    if data.opens_at is None or data.closes_at is None:
        problems.append("请填写开始和结束时间")
    elif data.closes_at <= data.opens_at:
        problems.append("结束时间应晚于开始时间")
    elif data.freeze_minutes * 60 >= (data.closes_at - data.opens_at).total_seconds():
        problems.append("封榜时长应短于竞赛时长")
    limits = [("questions_per_round", 1, 100, "每轮题数"), ("seconds_per_question", 5, 600, "每题限时（秒）"),
              ("latency_allowance_seconds", 0, 30, "网络延迟宽限（秒）"), ("freeze_minutes", 0, 1440, "封榜时长（分钟）"),
              ("max_rounds_per_member", 1, 100, "每人最多轮数"), ("fast_answer_threshold_ms", 0, 60000, "过快阈值（毫秒）")]
    for name, low, high, label in limits:
        if not low <= getattr(data, name) <= high:
            problems.append(f"{label}应在{low}到{high}之间")
    # The bank is checked against the actor's scope before anything about it (its chapters, its size) is told.
    try:
        module = scope.usable_module(session, actor, data.module_id)
        scope.usable_chapters(session, actor, module, data.chapters)
    except (NotFound, Invalid) as exc:
        problems.append(str(exc))
    else:
        if not problems and bank_size(session, data.module_id, data.chapters) < data.questions_per_round:
            problems.append(f"所选范围只有{bank_size(session, data.module_id, data.chapters)}道题，少于每轮题数")
    return problems


def create_contest(session: Session, actor: User, managed: set[int], data: ContestInput, now: datetime) -> Contest:
    """A new contest; every problem with the input is reported at once."""
    problems = _check(session, actor, managed, data)
    if problems:
        raise Invalid("；".join(problems))
    contest = Contest(
        owner_unit_id=data.owner_unit_id, title=data.title.strip(), module_id=data.module_id,
        chapters=sorted(set(data.chapters)), questions_per_round=data.questions_per_round,
        seconds_per_question=data.seconds_per_question, latency_allowance_seconds=data.latency_allowance_seconds,
        opens_at=data.opens_at, closes_at=data.closes_at, freeze_minutes=data.freeze_minutes,
        max_rounds_per_member=data.max_rounds_per_member, fast_answer_threshold_ms=data.fast_answer_threshold_ms,
        created_by_id=actor.id, created_at=now,
    )
    contest.audience = [ContestAudience(unit_id=unit_id) for unit_id in sorted(set(data.audience_unit_ids))]
    session.add(contest)
    session.flush()
    return contest


def candidates_query(module_id: int, chapters: list[int]):
    """Current versions of the active questions in the contest's selection."""
    stmt = (select(QuestionVersion.id).join(Question, Question.current_version_id == QuestionVersion.id)
            .where(Question.module_id == module_id, Question.status == "active"))
    if chapters:
        stmt = stmt.where(QuestionVersion.chapter_number.in_(chapters))
    return stmt


def bank_size(session: Session, module_id: int, chapters: list[int]) -> int:
    return session.scalar(select(func.count()).select_from(candidates_query(module_id, chapters).subquery())) or 0


def managed_contest(session: Session, contest_id: int, managed: set[int]) -> Contest:
    return scope.managed_contest(session, managed, contest_id)


def contests_for(session: Session, managed: set[int]) -> list[Contest]:
    return list(session.scalars(select(Contest).where(Contest.owner_unit_id.in_(managed))
                                .order_by(Contest.opens_at.desc(), Contest.id.desc())))


def in_audience(session: Session, user: User, contest: Contest) -> bool:
    units = set(ancestors(session, user.unit_id))
    return any(row.unit_id in units for row in contest.audience)


def visible_contest(session: Session, user: User, contest_id: int) -> Contest:
    """A contest the member is in the audience of; any other is NotFound."""
    contest = session.get(Contest, contest_id)
    if contest is None or not in_audience(session, user, contest):
        raise NotFound("竞赛不存在")
    return contest


def running_for(session: Session, user: User, now: datetime) -> list[Contest]:
    """Contests open now whose audience includes the member, soonest closing first."""
    units = ancestors(session, user.unit_id)
    in_audience = exists().where(ContestAudience.contest_id == Contest.id, ContestAudience.unit_id.in_(units))
    stmt = (select(Contest).where(in_audience, Contest.opens_at <= now, Contest.closes_at > now)
            .order_by(Contest.closes_at, Contest.id))
    return list(session.scalars(stmt))


def audience_sizes(session: Session, contest: Contest) -> dict[int, int]:
    """Active non-admin people per unit in the contest's audience (their branch is their unit)."""
    units = subtree(unit_tree(session), {row.unit_id for row in contest.audience})
    rows = session.execute(select(User.unit_id, func.count()).where(
        User.unit_id.in_(units), User.active.is_(True), User.role != "admin").group_by(User.unit_id))
    return {unit_id: count for unit_id, count in rows}


def chapter_titles(session: Session, contest: Contest) -> list[str]:
    if not contest.chapters:
        return []
    rows = session.scalars(select(Chapter).where(Chapter.module_id == contest.module_id,
                                                 Chapter.number.in_(contest.chapters)).order_by(Chapter.number))
    return [chapter_label(c.number, c.title) if c.number == 0 else f"第{c.number}章 {c.title}" for c in rows]
