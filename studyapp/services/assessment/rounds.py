"""Assessment rounds (年度评估): open one on a scheme version and a set of branches, move it through its
steps 自查自评 → 验收 → 抽查复检 → 审定公布, take the platform snapshot, draw the spot check."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain.assessment import draw, steps
from ...domain.assessment.rectification import local_today
from ...models import Unit, User
from ...models.assessment import AssessmentEntry, AssessmentRound, AssessmentScore, AssessmentScoreChange
from ..errors import Conflict, Invalid
from ..scope import managed_unit_ids
from . import indicators
from .access import require_admin, visible_scheme


@dataclass
class RoundInput:
    title: str
    scheme_id: int
    unit_ids: set[int]
    deadlines: dict[str, date | None] = field(default_factory=dict)
    spotcheck_count: int = 0


def open_round(session: Session, actor: User, data: RoundInput, now: datetime, zone: str) -> AssessmentRound:
    """Create the round with an entry and a score row per branch and indicator, and a first platform snapshot."""
    scheme = visible_scheme(session, actor, data.scheme_id)
    require_admin(session, actor, scheme.organization_id)
    problems = []
    if not data.title.strip():
        problems.append("请填写评估名称")
    branches = list(session.scalars(select(Unit).where(Unit.id.in_(data.unit_ids or [-1]), Unit.kind == "branch")))
    if not branches:
        problems.append("请至少选择一个党支部")
    elif not {b.id for b in branches} <= managed_unit_ids(session, actor) or len(branches) != len(data.unit_ids):
        problems.append("只能选择本组织的党支部")
    if data.spotcheck_count < 0 or data.spotcheck_count > len(branches):
        problems.append(f"抽查数量应在 0 到 {len(branches)} 之间")
    problems += steps.check_deadlines(data.deadlines, local_today(now, zone))
    if problems:
        raise Invalid("；".join(problems))
    found = AssessmentRound(
        organization_id=scheme.organization_id, scheme_id=scheme.id, title=data.title.strip(), step="self",
        self_due=data.deadlines.get("self"), review_due=data.deadlines.get("review"),
        spotcheck_due=data.deadlines.get("spotcheck"), publish_due=data.deadlines.get("published"),
        spotcheck_count=data.spotcheck_count, created_by_id=actor.id, created_at=now)
    found.entries = [AssessmentEntry(unit_id=b.id, vetoes=[],
                                     scores=[AssessmentScore(indicator_id=i.id) for i in scheme.indicators])
                     for b in branches]
    session.add(found)
    session.flush()
    take_snapshot(session, found, now)
    return found


def take_snapshot(session: Session, found: AssessmentRound, now: datetime) -> None:
    """Fill every platform indicator from the platform's data up to `now`; changes go to the history."""
    scheme = found.scheme
    entries = session.scalars(select(AssessmentEntry).where(AssessmentEntry.round_id == found.id)
                              .options(selectinload(AssessmentEntry.scores))).all()
    values = indicators.compute(session, list(scheme.indicators), [e.unit_id for e in entries], now)
    for entry in entries:
        for score in entry.scores:
            key = (score.indicator_id, entry.unit_id)
            if key not in values:
                continue
            points, detail = values[key]
            if points != score.platform_score or score.updated_at is None:
                session.add(AssessmentScoreChange(score_id=score.id, stage="platform", old_score=score.platform_score,
                                                  new_score=points, reason=detail, changed_at=now))
            score.platform_score, score.platform_detail = points, detail[:300]
            score.updated_at = score.updated_at or now
    found.snapshot_at = now
    session.flush()


def advance(session: Session, actor: User, found: AssessmentRound, expected_step: str, now: datetime,
            rng: random.Random) -> str:
    """Close the open step and open the next; `expected_step` guards against a double submit."""
    require_admin(session, actor, found.organization_id)
    if found.step != expected_step:
        raise Conflict(f"此评估已进入“{steps.STEP_LABELS[found.step]}”，请刷新页面")
    target = steps.next_step(found.step, found.spotcheck_count > 0)
    if target is None:
        raise Conflict("此评估已审定公布")
    if found.step == "self":
        take_snapshot(session, found, now)  # the figures the reviewers see are those at the end of 自查自评
    if found.step == "review":
        waiting = [e.unit.name for e in found.entries if e.review_submitted_at is None]
        if waiting:
            raise Invalid("尚有支部未完成验收：" + "、".join(waiting))
    if target == "spotcheck":
        found.draw_seed = draw.new_seed(rng)
        drawn = set(draw.spot_check([e.unit_id for e in found.entries], found.spotcheck_count, found.draw_seed))
        for entry in found.entries:
            entry.drawn = entry.unit_id in drawn
    if found.step == "spotcheck":
        waiting = [e.unit.name for e in found.entries if e.drawn and e.recheck_submitted_at is None]
        if waiting:
            raise Invalid("尚有抽中的支部未完成复检：" + "、".join(waiting))
    if target == "published":
        _publish(found, now)
    found.step = target
    session.flush()
    return target


def _publish(found: AssessmentRound, now: datetime) -> None:
    from .sheets import entry_outcome

    for entry in found.entries:
        result = entry_outcome(found.scheme, entry)
        entry.final_total, entry.final_grade = result.total, result.grade
    found.published_at = now


def set_published_to_members(session: Session, actor: User, found: AssessmentRound, value: bool) -> None:
    require_admin(session, actor, found.organization_id)
    if value and found.step != "published":
        raise Invalid("审定公布后才能向党员公开")
    found.published_to_members = value
    session.flush()


def rounds_for(session: Session, actor: User, managed: set[int]) -> list[AssessmentRound]:
    """Rounds with at least one branch in the actor's scope, newest first."""
    if not managed:
        return []
    ids = select(AssessmentEntry.round_id).where(AssessmentEntry.unit_id.in_(managed))
    return list(session.scalars(select(AssessmentRound).where(AssessmentRound.id.in_(ids))
                                .options(selectinload(AssessmentRound.scheme))
                                .order_by(AssessmentRound.created_at.desc(), AssessmentRound.id.desc())))

