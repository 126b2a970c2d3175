"""A branch's score sheet in a round: who may score which indicator in which step, saving with a version
check (a save based on an older version is refused, never silently overwrites), the history of every change,
submitting a step once, and the outcome computed in domain.assessment.grading."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...domain.assessment import grading, steps
from ...domain.problems import Collector
from ...models import User
from ...models.assessment import (AssessmentEntry, AssessmentIndicator, AssessmentProblem, AssessmentScheme,
                                  AssessmentScore, AssessmentScoreChange)
from ..errors import Conflict, Forbidden, Invalid
from .access import BRANCH, REVIEWER

#: Step of the round in which each stage is scored, and by whom.
STAGES = {"self": ("self", BRANCH), "review": ("review", REVIEWER), "recheck": ("spotcheck", REVIEWER)}
STAGE_LABELS = {"self": "自评", "review": "验收", "recheck": "复检", "platform": "平台数据"}


@dataclass
class ScoreInput:
    indicator_id: int
    score: float | None
    note: str
    #: The version of the score row the form was rendered with.
    version: int


def final_score(score: AssessmentScore) -> float | None:
    for value in (score.recheck_score, score.review_score, score.platform_score):
        if value is not None:
            return value
    return None


def self_total_score(score: AssessmentScore) -> float | None:
    return score.platform_score if score.platform_score is not None else score.self_score


def scale(scheme: AssessmentScheme) -> grading.Scale:
    return grading.scale_from(scheme.scale_kind, scheme.thresholds)


def vetoes_of(scheme: AssessmentScheme, entry: AssessmentEntry) -> list[grading.Veto]:
    items = scheme.vetoes or []
    return [grading.Veto(items[i]["title"], items[i]["cap"]) for i in entry.vetoes or [] if 0 <= i < len(items)]


def entry_outcome(scheme: AssessmentScheme, entry: AssessmentEntry) -> grading.Outcome:
    return grading.outcome(scale(scheme), [final_score(s) for s in entry.scores], vetoes_of(scheme, entry))


def self_outcome(scheme: AssessmentScheme, entry: AssessmentEntry) -> grading.Outcome:
    return grading.outcome(scale(scheme), [self_total_score(s) for s in entry.scores])


def open_stage(entry: AssessmentEntry, role: str, now: datetime, zone: str) -> str | None:
    """The stage the actor may score now, or None: the branch only in 自查自评 before its deadline and
    before submitting; reviewers in 验收, and in 抽查复检 for drawn branches."""
    found = entry.round
    if found.step == "self" and role == BRANCH and entry.self_submitted_at is None \
            and not steps.past_deadline(found.self_due, now, zone):
        return "self"
    if found.step == "review" and role == REVIEWER and entry.review_submitted_at is None:
        return "review"
    if found.step == "spotcheck" and role == REVIEWER and entry.drawn and entry.recheck_submitted_at is None:
        return "recheck"
    return None


def editable(indicator: AssessmentIndicator, score: AssessmentScore) -> bool:
    """Manual indicators; platform ones only where the platform has no figure (scored by hand then)."""
    return indicator.source == "manual" or score.platform_score is None


@dataclass
class SheetRow:
    indicator: AssessmentIndicator
    score: AssessmentScore
    editable: bool
    final: float | None


@dataclass
class Sheet:
    entry: AssessmentEntry
    role: str
    stage: str | None
    standards: list[tuple[str, list[SheetRow]]] = field(default_factory=list)
    outcome: grading.Outcome | None = None
    self_result: grading.Outcome | None = None


def sheet(entry: AssessmentEntry, role: str, now: datetime, zone: str) -> Sheet:
    scheme = entry.round.scheme
    stage = open_stage(entry, role, now, zone)
    by_indicator = {s.indicator_id: s for s in entry.scores}
    view = Sheet(entry, role, stage, outcome=entry_outcome(scheme, entry), self_result=self_outcome(scheme, entry))
    for indicator in scheme.indicators:
        score = by_indicator[indicator.id]
        row = SheetRow(indicator, score, stage is not None and editable(indicator, score), final_score(score))
        if view.standards and view.standards[-1][0] == indicator.standard:
            view.standards[-1][1].append(row)
        else:
            view.standards.append((indicator.standard, [row]))
    return view


def save_scores(session: Session, actor: User, entry: AssessmentEntry, role: str, items: list[ScoreInput],
                now: datetime, zone: str, vetoes: list[int] | None = None) -> int:
    """Save the changed scores of the open stage; all or nothing. Returns how many scores changed."""
    stage = open_stage(entry, role, now, zone)
    if stage is None:
        raise Forbidden("现在不能修改此支部的评分（步骤未开放、已提交或已过截止日期）")
    scheme = entry.round.scheme
    scores = {s.indicator_id: s for s in entry.scores}
    indicators = {i.id: i for i in scheme.indicators}
    problems = Collector()
    changes = []
    for item in items:
        indicator, score = indicators.get(item.indicator_id), scores.get(item.indicator_id)
        if indicator is None or score is None:
            raise Invalid("评分表已变化，请刷新页面")
        note = (item.note or "").strip()
        old, old_note = getattr(score, f"{stage}_score"), getattr(score, f"{stage}_note")
        if item.score == old and note == old_note:
            continue
        if not editable(indicator, score):
            problems.add("平台数据指标不能手工修改", column=f"{indicator.code} {indicator.title}")
            continue
        grading.check_score(item.score, indicator.max_points, f"{indicator.code} {indicator.title}", problems,
                            note, need_reason=stage != "self")
        changes.append((item, indicator, score, old, note))
    if problems.problems:
        raise Invalid("；".join(str(p) for p in problems.problems))
    for item, indicator, score, old, note in changes:
        result = session.execute(
            update(AssessmentScore).where(AssessmentScore.id == score.id, AssessmentScore.version == item.version)
            .values({f"{stage}_score": item.score, f"{stage}_note": note, "version": AssessmentScore.version + 1,
                     "updated_by_id": actor.id, "updated_at": now})
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            session.refresh(score)
            who = score.updated_by.name if score.updated_by else "其他人"
            raise Conflict(f"“{indicator.code} {indicator.title}”已被{who}修改，您的保存未生效，请刷新后再改")
        session.add(AssessmentScoreChange(score_id=score.id, stage=stage, old_score=old, new_score=item.score,
                                          reason=note, changed_by_id=actor.id, changed_at=now))
    if vetoes is not None and stage != "self":
        count = len(scheme.vetoes or [])
        entry.vetoes = sorted({i for i in vetoes if 0 <= i < count})
    session.flush()
    for _, _, score, _, _ in changes:
        session.refresh(score)
    return len(changes)


def submit(session: Session, actor: User, entry: AssessmentEntry, role: str, stage: str, now: datetime,
           zone: str) -> None:
    """Close the branch's stage; a second submit is refused. A review submit turns deductions into problems."""
    if open_stage(entry, role, now, zone) != stage:
        raise Conflict(f"{STAGE_LABELS.get(stage, '')}已提交或现在不能提交，请刷新页面")
    scores = {s.indicator_id: s for s in entry.scores}
    scheme = entry.round.scheme
    if stage == "self":
        missing = [i.code for i in scheme.indicators if editable(i, scores[i.id]) and scores[i.id].self_score is None]
        if missing:
            raise Invalid("尚有指标未自评：" + "、".join(missing))
        entry.self_submitted_at = now
    elif stage == "review":
        missing = [i.code for i in scheme.indicators if final_score(scores[i.id]) is None]
        if missing:
            raise Invalid("尚有指标未验收评分：" + "、".join(missing))
        entry.review_submitted_at = now
        _deduction_problems(session, actor, entry, now)
    else:
        entry.recheck_submitted_at = now
    session.flush()


def _deduction_problems(session: Session, actor: User, entry: AssessmentEntry, now: datetime) -> None:
    existing = set(session.scalars(select(AssessmentProblem.indicator_id).where(
        AssessmentProblem.round_id == entry.round_id, AssessmentProblem.unit_id == entry.unit_id,
        AssessmentProblem.source == "deduction")))
    for score in entry.scores:
        indicator = score.indicator
        value = final_score(score)
        if value is None or value >= indicator.max_points or indicator.id in existing:
            continue
        reason = score.review_note or (f"平台数据：{score.platform_detail}" if score.platform_detail else "")
        session.add(AssessmentProblem(
            unit_id=entry.unit_id, round_id=entry.round_id, indicator_id=indicator.id, source="deduction",
            description=f"{indicator.code} {indicator.title}：扣 {indicator.max_points - value:g} 分。{reason}".strip(),
            severity="minor", status="open", created_by_id=actor.id, created_at=now))
    for veto in vetoes_of(entry.round.scheme, entry):
        session.add(AssessmentProblem(
            unit_id=entry.unit_id, round_id=entry.round_id, source="finding", severity="serious", status="open",
            description=f"一票否决：{veto.title}", created_by_id=actor.id, created_at=now))


def history(session: Session, entry: AssessmentEntry) -> list[AssessmentScoreChange]:
    ids = [s.id for s in entry.scores]
    return list(session.scalars(select(AssessmentScoreChange).where(AssessmentScoreChange.score_id.in_(ids or [-1]))
                                .order_by(AssessmentScoreChange.changed_at.desc(), AssessmentScoreChange.id.desc())))
