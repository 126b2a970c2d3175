"""A round's results as the dashboards and exports show them: totals and grades per branch, the grade
distribution, 晋位升级 against the previous published round, 后进 branches with open problems, and each
branch's points per standard against the organization's median. A fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...domain.assessment import grading
from ...models.assessment import AssessmentEntry, AssessmentProblem, AssessmentRound, AssessmentScore
from .sheets import entry_outcome, final_score, scale, self_outcome, self_total_score


@dataclass
class BranchResult:
    entry: AssessmentEntry
    self_total: float
    outcome: grading.Outcome
    previous: str | None = None
    movement: int = 0
    open_problems: int = 0
    by_standard: dict[str, float] = field(default_factory=dict)
    #: Not reviewed yet: the outcome is the branch's self-assessment, for orientation only.
    provisional: bool = False

    @property
    def name(self) -> str:
        return self.entry.unit.name


@dataclass
class RoundResults:
    round: AssessmentRound
    scale: grading.Scale
    rows: list[BranchResult]
    standards: list[tuple[str, float]]
    previous_round: AssessmentRound | None = None

    @property
    def distribution(self) -> list[tuple[str, int]]:
        counts = {label: 0 for label in self.scale.labels}
        for row in self.rows:
            counts[row.outcome.grade] += 1
        return list(counts.items())

    @property
    def laggards(self) -> list[BranchResult]:
        """后进: the two lowest labels of the scale, once the round is published."""
        if self.round.step != "published":
            return []
        worst = set(self.scale.labels[-2:])
        return [row for row in self.rows if row.outcome.grade in worst]

    def medians(self) -> dict[str, float]:
        return {name: round(median(r.by_standard.get(name, 0) for r in self.rows), 1) if self.rows else 0
                for name, _ in self.standards}


def round_results(session: Session, found: AssessmentRound, unit_ids: set[int]) -> RoundResults:
    """Results of the branches in `unit_ids` (the viewer's scope), best first."""
    scheme = found.scheme
    the_scale = scale(scheme)
    entries = session.scalars(
        select(AssessmentEntry).where(AssessmentEntry.round_id == found.id, AssessmentEntry.unit_id.in_(unit_ids or [-1]))
        .options(selectinload(AssessmentEntry.unit),
                 selectinload(AssessmentEntry.scores).selectinload(AssessmentScore.indicator))).all()
    previous_round = session.scalar(
        select(AssessmentRound).where(AssessmentRound.organization_id == found.organization_id,
                                      AssessmentRound.step == "published", AssessmentRound.id != found.id,
                                      AssessmentRound.created_at < found.created_at)
        .order_by(AssessmentRound.created_at.desc()).limit(1))
    before = {}
    if previous_round is not None:
        before = dict(session.execute(select(AssessmentEntry.unit_id, AssessmentEntry.final_grade).where(
            AssessmentEntry.round_id == previous_round.id)).all())
    open_counts = dict(session.execute(
        select(AssessmentProblem.unit_id, func.count(AssessmentProblem.id))
        .where(AssessmentProblem.unit_id.in_([e.unit_id for e in entries] or [-1]), AssessmentProblem.status != "closed")
        .group_by(AssessmentProblem.unit_id)).all())
    standards: dict[str, float] = {}
    for indicator in scheme.indicators:
        standards[indicator.standard] = standards.get(indicator.standard, 0) + indicator.max_points
    rows = []
    for entry in entries:
        # Until a branch is reviewed, the only figure there is is its own; shown as provisional.
        provisional = found.step != "published" and entry.review_submitted_at is None
        result = self_outcome(scheme, entry) if provisional else entry_outcome(scheme, entry)
        by_standard: dict[str, float] = {}
        for score in entry.scores:
            by_standard[score.indicator.standard] = round(
                by_standard.get(score.indicator.standard, 0)
                + ((self_total_score(score) if provisional else final_score(score)) or 0), 2)
        previous = before.get(entry.unit_id)
        rows.append(BranchResult(entry, self_outcome(scheme, entry).total, result, previous,
                                 grading.movement(the_scale, previous, result.grade),
                                 open_counts.get(entry.unit_id, 0), by_standard, provisional))
    rows.sort(key=lambda r: (-r.outcome.total, r.entry.unit.sort_order, r.entry.unit_id))
    return RoundResults(found, the_scale, rows, list(standards.items()), previous_round)


def _recheck(entry: AssessmentEntry) -> str:
    """For a drawn branch: how far the recheck moved the review scores (the differences are kept)."""
    if not entry.drawn:
        return ""
    moved = sum(s.recheck_score - s.review_score for s in entry.scores
                if s.recheck_score is not None and s.review_score is not None)
    return f"抽中，复检较验收 {moved:+g} 分" if entry.recheck_submitted_at else "抽中，未完成复检"


def export_sheets(session: Session, results: RoundResults) -> list[tuple[str, list[str], list[list[object]]]]:
    """The round's results workbook: one row per branch with every indicator's self and final score."""
    scheme = results.round.scheme
    indicators = list(scheme.indicators)
    headers = ["名次", "支部", "自评总分", "最终得分", "等次" if scheme.scale_kind == "grades" else "星级",
               "一票否决", "上轮", "变化", "抽查复检"]
    for indicator in indicators:
        headers += [f"{indicator.code} {indicator.title}（{indicator.max_points:g}）自评",
                    f"{indicator.code} 最终"]
    rows = []
    for rank, row in enumerate(results.rows, start=1):
        scores = {s.indicator_id: s for s in row.entry.scores}
        line = [rank, row.name, row.self_total, row.outcome.total, row.outcome.grade, "、".join(row.outcome.capped_by),
                row.previous or "", {1: "上升", -1: "下降", 0: ""}[row.movement], _recheck(row.entry)]
        for indicator in indicators:
            score = scores[indicator.id]
            line += [self_total_score(score), final_score(score)]
        rows.append(line)
    standards = [["标准", "满分", "中位数"]] + [[name, points, results.medians()[name]] for name, points in results.standards]
    return [("评估结果", headers, rows), ("各标准中位数", standards[0], standards[1:])]


@dataclass
class PublishedResult:
    round: AssessmentRound
    entry: AssessmentEntry


def published_for_member(session: Session, user) -> list[PublishedResult]:
    """The user's branch's results of rounds published to members, newest first; nothing otherwise."""
    rows = session.execute(
        select(AssessmentRound, AssessmentEntry).join(AssessmentEntry, AssessmentEntry.round_id == AssessmentRound.id)
        .where(AssessmentEntry.unit_id == user.unit_id, AssessmentRound.step == "published",
               AssessmentRound.published_to_members.is_(True))
        .options(selectinload(AssessmentEntry.unit))
        .order_by(AssessmentRound.published_at.desc()))
    return [PublishedResult(found, entry) for found, entry in rows]
