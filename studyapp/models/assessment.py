"""Branch assessment (评估定级): schemes and their indicators, rounds over branches, scores with their
history, the problem list (问题清单 / 整改台账) and demonstration branches (示范点).

A scheme row is one version: a round points at the version it started with, and a changed scheme is
imported as a new version (same organization and name, version + 1), so a running round never changes.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .attachments import StoredFile
from .types import UTCDateTime, utcnow


class AssessmentScheme(db.Model):
    """A version of an assessment scheme (评估方案 / 考评细则)."""

    __tablename__ = "assessment_schemes"
    __table_args__ = (
        UniqueConstraint("organization_id", "name", "version"),
        CheckConstraint("scale_kind IN ('grades', 'stars')", name="scale_kind"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Top-level organization that owns the scheme.
    organization_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: 1, 2, ... for the same name; rounds keep the version they started with.
    version: Mapped[int] = mapped_column(default=1)
    #: "grades" (好/较好/一般/差) or "stars" (一星…五星).
    scale_kind: Mapped[str] = mapped_column(String(10), default="grades")
    #: Minimum total of each label except the floor, e.g. {"好": 90, "较好": 80, "一般": 60}.
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    #: 一票否决 items: [{"title": ..., "cap": "差"}].
    vetoes: Mapped[list] = mapped_column(JSON, default=list)
    #: A 示范点 whose latest grade is worse than this is flagged 待复核 (None: the scale's best).
    keep_demo_at: Mapped[str | None] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicators: Mapped[list[AssessmentIndicator]] = relationship(
        order_by="AssessmentIndicator.position", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<AssessmentScheme {self.id} {self.name!r} v{self.version}>"


class AssessmentIndicator(db.Model):
    """One indicator (考评指标) of a scheme version, grouped under a standard."""

    __tablename__ = "assessment_indicators"
    __table_args__ = (
        UniqueConstraint("scheme_id", "position"),
        CheckConstraint("max_points > 0", name="max_points"),
        CheckConstraint("source IN ('manual', 'platform')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_schemes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    #: The standard (group) it belongs to, e.g. "组织生活".
    standard: Mapped[str] = mapped_column(String(100))
    #: Short number shown beside it, e.g. "2.1".
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    max_points: Mapped[float]
    #: Scoring guidance (评分要点) and the evidence expected (佐证材料).
    guidance: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: "manual" (scored by people) or "platform" (computed from the platform's data).
    source: Mapped[str] = mapped_column(String(10), default="manual")
    #: For platform indicators: a key of domain.assessment.indicators.KINDS.
    platform_kind: Mapped[str | None] = mapped_column(String(40))
    #: Sitting or module ids a platform indicator looks at.
    scope_ids: Mapped[list] = mapped_column(JSON, default=list)

    def __repr__(self) -> str:
        return f"<AssessmentIndicator {self.id} {self.code} {self.source}>"


class AssessmentRound(db.Model):
    """A yearly assessment (年度评估) of a set of branches against one scheme version."""

    __tablename__ = "assessment_rounds"
    __table_args__ = (
        CheckConstraint("step IN ('self', 'review', 'spotcheck', 'published')", name="step"),
        CheckConstraint("spotcheck_count >= 0", name="spotcheck_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_schemes.id"), index=True)
    #: e.g. "2026年度党支部评估定级".
    title: Mapped[str] = mapped_column(String(200))
    #: The open step: self, review, spotcheck, published.
    step: Mapped[str] = mapped_column(String(20), default="self")
    #: Last day (Asia/Shanghai) of each step.
    self_due: Mapped[date | None] = mapped_column(Date)
    review_due: Mapped[date | None] = mapped_column(Date)
    spotcheck_due: Mapped[date | None] = mapped_column(Date)
    publish_due: Mapped[date | None] = mapped_column(Date)
    #: How many branches the spot check re-reviews (0: no spot check).
    spotcheck_count: Mapped[int] = mapped_column(default=0)
    #: The seed of the spot-check draw, recorded before drawing so the draw can be reproduced.
    draw_seed: Mapped[int | None] = mapped_column(db.BigInteger)
    #: Platform indicators are computed from data up to this moment.
    snapshot_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Members see their branch's published grade only when this is set.
    published_to_members: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scheme: Mapped[AssessmentScheme] = relationship()
    entries: Mapped[list[AssessmentEntry]] = relationship(back_populates="round", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<AssessmentRound {self.id} {self.title!r} {self.step}>"


class AssessmentEntry(db.Model):
    """One branch in a round: its submissions, vetoes applied, and the published result."""

    __tablename__ = "assessment_entries"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    self_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Drawn for the spot check (抽查复检).
    drawn: Mapped[bool] = mapped_column(default=False)
    recheck_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Indexes into the scheme's vetoes that the reviewer found to apply.
    vetoes: Mapped[list] = mapped_column(JSON, default=list)
    #: Final total and grade, stored when the round is published (for year-on-year comparison).
    final_total: Mapped[float | None]
    final_grade: Mapped[str | None] = mapped_column(String(10))

    round: Mapped[AssessmentRound] = relationship(back_populates="entries")
    unit = relationship("Unit")
    scores: Mapped[list[AssessmentScore]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<AssessmentEntry round={self.round_id} unit={self.unit_id}>"


class AssessmentScore(db.Model):
    """A branch's scores on one indicator: self, review, recheck, or computed by the platform."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("entry_id", "indicator_id"), CheckConstraint("version >= 1", name="version"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("assessment_entries.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("assessment_indicators.id"), index=True)
    self_score: Mapped[float | None]
    self_note: Mapped[str] = mapped_column(Text, default="")
    review_score: Mapped[float | None]
    #: Why points were deducted (required when review_score < max).
    review_note: Mapped[str] = mapped_column(Text, default="")
    recheck_score: Mapped[float | None]
    recheck_note: Mapped[str] = mapped_column(Text, default="")
    #: Computed for platform indicators at the snapshot; None when the data is not available.
    platform_score: Mapped[float | None]
    #: How the platform score was computed, e.g. "38/40（95%）", or why it is not available.
    platform_detail: Mapped[str] = mapped_column(String(300), default="")
    #: Bumped on every save; a save based on an older version is refused (no silent overwrite).
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    indicator: Mapped[AssessmentIndicator] = relationship()
    updated_by = relationship("User")
    #: Evidence the branch attached to its self-assessment of this indicator (自查自评佐证材料).
    evidence: Mapped[list[AssessmentEvidence]] = relationship(order_by="AssessmentEvidence.id",
                                                              passive_deletes=True, back_populates="score")
    #: The branch's entry (read-only: entries own their scores).
    entry: Mapped[AssessmentEntry] = relationship(viewonly=True)

    def __repr__(self) -> str:
        return f"<AssessmentScore entry={self.entry_id} indicator={self.indicator_id} v{self.version}>"


class AssessmentScoreChange(db.Model):
    """Every change of a score: who, when, which stage, from what to what, and why."""

    __tablename__ = "assessment_score_changes"
    __table_args__ = (Index("ix_assessment_score_changes_score", "score_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("assessment_scores.id", ondelete="CASCADE"))
    #: "self", "review", "recheck" or "platform".
    stage: Mapped[str] = mapped_column(String(10))
    old_score: Mapped[float | None]
    new_score: Mapped[float | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by = relationship("User")

    def __repr__(self) -> str:
        return f"<AssessmentScoreChange score={self.score_id} {self.stage} {self.old_score}->{self.new_score}>"


class AssessmentProblem(db.Model):
    """A problem found in a branch (问题清单) and its rectification (整改台账)."""

    __tablename__ = "assessment_problems"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'awaiting', 'closed')", name="status"),
        CheckConstraint("severity IN ('minor', 'major', 'serious')", name="severity"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_iff_closed_at"),
        Index("ix_assessment_problems_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    #: The round and indicator it came from; None for a problem entered by hand from an inspection.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_rounds.id", ondelete="SET NULL"),
                                                 index=True)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_indicators.id", ondelete="SET NULL"))
    #: "deduction" (a review deduction), "finding" or "manual".
    source: Mapped[str] = mapped_column(String(20), default="manual")
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10), default="minor")
    #: open (待整改), in_progress (整改中), awaiting (已整改待验收), closed (已销号); 逾期 is computed.
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: The branch's answer: measures, the person responsible, the deadline (a date in Asia/Shanghai).
    measures: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(64), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    #: What was done, reported with the move to "awaiting".
    result: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    unit = relationship("Unit")
    indicator = relationship("AssessmentIndicator")
    #: Evidence of the rectification (整改佐证材料).
    evidence: Mapped[list[AssessmentEvidence]] = relationship(order_by="AssessmentEvidence.id",
                                                              passive_deletes=True, back_populates="problem")

    def __repr__(self) -> str:
        return f"<AssessmentProblem {self.id} unit={self.unit_id} {self.status}>"


class AssessmentEvidence(StoredFile, db.Model):
    """A photo or scan (image or PDF) proving a self-assessed score or a rectification; the file is kept in
    the instance folder, outside the web root, like the ledger's attachments."""

    __tablename__ = "assessment_evidence"
    __table_args__ = (CheckConstraint("(score_id IS NULL) <> (problem_id IS NULL)", name="one_owner"),)

    #: The score it supports (self-assessment), or
    score_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_scores.id", ondelete="CASCADE"), index=True)
    #: the problem whose rectification it shows.
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_problems.id", ondelete="CASCADE"),
                                                   index=True)

    score: Mapped[AssessmentScore | None] = relationship(back_populates="evidence")
    problem: Mapped[AssessmentProblem | None] = relationship(back_populates="evidence")

    def __repr__(self) -> str:
        return f"<AssessmentEvidence {self.id} {self.filename!r}>"


class DemoSite(db.Model):
    """A branch named 示范点; revocation is an explicit recorded act, the row is kept."""

    __tablename__ = "demo_sites"
    __table_args__ = (
        # At most one active naming per branch.
        Index("uq_demo_sites_active", "unit_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revoked_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    named_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    unit = relationship("Unit")

    def __repr__(self) -> str:
        return f"<DemoSite unit={self.unit_id} {'revoked' if self.revoked_at else 'active'}>"
