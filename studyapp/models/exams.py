"""Exams, their sittings, and members' attempts with every saved answer.

The lifecycle of an attempt is decided on the server only: prepared -> in_progress -> submitted (by the
member, or by the deadline). A prepared attempt is a paper drawn ahead of a sitting's opening
(services.exams.prepare) that its member has not started: it is no attempt anywhere but the start
(Attempt.started is the one rule every query uses). The schema holds the invariants too: one attempt in
progress and one prepared per member and sitting (partial unique indexes), start time and deadline exactly
when started, a score exactly when submitted, one answer per question per attempt.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

EXAM_MODES = ("blueprint", "fixed")
COUNTING_RULES = ("highest", "last")
#: "after_close": once every sitting of the exam (make-ups included) has closed, so no batch tells the next.
REVIEW_POLICIES = ("after_close", "immediate", "never")
EXAM_STATUSES = ("draft", "published", "archived")
REVIEW_LABELS = {"after_close": "全部场次（含补考）结束后", "immediate": "交卷后立即", "never": "不公布"}
COUNTING_LABELS = {"highest": "取最高分", "last": "取最后一次"}
STATUS_LABELS = {"draft": "草稿", "published": "已发布", "archived": "已归档"}


class Exam(db.Model):
    """An exam definition: how its paper is drawn, how long, how it is scored and reviewed."""

    __tablename__ = "exams"
    __table_args__ = (
        CheckConstraint("mode IN ('blueprint', 'fixed')", name="mode"),
        CheckConstraint("counting IN ('highest', 'last')", name="counting"),
        CheckConstraint("multiple_policy IN ('all_or_nothing', 'partial')", name="multiple_policy"),
        CheckConstraint("review_policy IN ('immediate', 'after_close', 'never')", name="review_policy"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
        CheckConstraint("pass_percent BETWEEN 0 AND 100", name="pass_percent"),
        CheckConstraint("attempts_allowed >= 1", name="attempts_allowed"),
        CheckConstraint("time_limit_minutes BETWEEN 1 AND 1440", name="time_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organization or branch that owns the exam; its organizers manage it.
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: The module whose question bank the paper is drawn from.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: "blueprint": drawn by rules per attempt; "fixed": the same listed questions for everyone.
    mode: Mapped[str] = mapped_column(String(20), default="blueprint")
    #: Minutes a member has from starting (capped by the sitting's close).
    time_limit_minutes: Mapped[int] = mapped_column(default=30)
    #: Share of the maximum score needed to pass, 0-100.
    pass_percent: Mapped[int] = mapped_column(default=60)
    #: How many attempts a member may make in one sitting.
    attempts_allowed: Mapped[int] = mapped_column(default=1)
    #: Which attempt counts for the record: "highest" or "last".
    counting: Mapped[str] = mapped_column(String(20), default="highest")
    #: Per-member order of questions and of options (deterministic from the attempt's seed).
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    #: domain.grading policy for multiple choice: "all_or_nothing" or "partial".
    multiple_policy: Mapped[str] = mapped_column(String(20), default="all_or_nothing")
    #: When keys and explanations are shown: "after_close" (once every sitting of the exam, make-ups
    #: included, has closed: the default), "immediate" (on submitting) or "never".
    review_policy: Mapped[str] = mapped_column(String(20), default="after_close")
    #: 保密题库: the bank's questions are kept from practice, daily practice, review and contests of
    #: everyone in the exam's audience until every sitting has closed (services.key_access).
    secret_bank: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Only published exams' sittings are offered to members.
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module = relationship("Module")
    owner_unit = relationship("Unit")
    rules: Mapped[list[ExamRule]] = relationship(order_by="ExamRule.position", cascade="all, delete-orphan")
    fixed_questions: Mapped[list[ExamFixedQuestion]] = relationship(
        order_by="ExamFixedQuestion.position", cascade="all, delete-orphan"
    )
    sittings: Mapped[list[Sitting]] = relationship(back_populates="exam", order_by="Sitting.opens_at")

    def __repr__(self) -> str:
        return f"<Exam {self.id} {self.title!r} {self.status}>"


class ExamRule(db.Model):
    """One line of a blueprint: draw `count` questions matching the filters, each worth `points`."""

    __tablename__ = "exam_rules"
    __table_args__ = (
        UniqueConstraint("exam_id", "position"),
        CheckConstraint("count >= 1", name="count"),
        CheckConstraint("points > 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    #: Order of the rule; unshuffled papers keep this order.
    position: Mapped[int]
    #: Filters; None means any.
    chapter_number: Mapped[int | None]
    article_number: Mapped[int | None]
    qtype: Mapped[str | None] = mapped_column(String(20))
    difficulty: Mapped[int | None]
    #: How many questions to draw.
    count: Mapped[int]
    #: Points for each question drawn.
    points: Mapped[float]

    def __repr__(self) -> str:
        return f"<ExamRule exam={self.exam_id} #{self.position} x{self.count}>"


class ExamFixedQuestion(db.Model):
    """A question of a fixed-list exam."""

    __tablename__ = "exam_fixed_questions"
    __table_args__ = (
        UniqueConstraint("exam_id", "position"),
        UniqueConstraint("exam_id", "question_id"),
        CheckConstraint("points > 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    points: Mapped[float]

    def __repr__(self) -> str:
        return f"<ExamFixedQuestion exam={self.exam_id} q={self.question_id}>"


class Sitting(db.Model):
    """A window in which an audience may sit an exam (场次)."""

    __tablename__ = "sittings"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A make-up sitting (补考) for members absent from or failing another sitting.
    is_makeup: Mapped[bool] = mapped_column(default=False)
    makeup_of_id: Mapped[int | None] = mapped_column(ForeignKey("sittings.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when an organizer cancels the sitting (only while nobody has started it); it is then offered
    #: to nobody and kept, with its history, instead of being deleted.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exam: Mapped[Exam] = relationship(back_populates="sittings")
    units: Mapped[list[SittingUnit]] = relationship(cascade="all, delete-orphan")
    members: Mapped[list[SittingMember]] = relationship(cascade="all, delete-orphan")
    changes: Mapped[list[SittingChange]] = relationship(
        order_by="SittingChange.id", cascade="all, delete-orphan", back_populates="sitting"
    )

    def __repr__(self) -> str:
        return f"<Sitting {self.id} exam={self.exam_id} {self.title!r}>"


SITTING_CHANGES = ("created", "edited", "extended", "cancelled")


class SittingChange(db.Model):
    """One change to a sitting (created, edited, extended, cancelled): who, when and what, shown as its history."""

    __tablename__ = "sitting_changes"
    __table_args__ = (
        CheckConstraint("kind IN ('created', 'edited', 'extended', 'cancelled')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sittings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: Who made the change (NULL for the command line and for sittings older than the history).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: What changed: {field: [old, new]} (times as ISO strings in UTC), plus e.g. {"attempts": n} for an
    #: extension or {"count": n} for a make-up; the page words it.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    sitting: Mapped[Sitting] = relationship(back_populates="changes")
    actor = relationship("User")

    def __repr__(self) -> str:
        return f"<SittingChange sitting={self.sitting_id} {self.kind}>"


class SittingUnit(db.Model):
    """A unit in a sitting's audience; it includes every unit below it."""

    __tablename__ = "sitting_units"

    sitting_id: Mapped[int] = mapped_column(ForeignKey("sittings.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self) -> str:
        return f"<SittingUnit sitting={self.sitting_id} unit={self.unit_id}>"


class SittingMember(db.Model):
    """A member listed individually in a sitting's audience."""

    __tablename__ = "sitting_members"

    sitting_id: Mapped[int] = mapped_column(ForeignKey("sittings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)

    def __repr__(self) -> str:
        return f"<SittingMember sitting={self.sitting_id} user={self.user_id}>"


#: A paper drawn ahead whose member has not pressed 开始: not an attempt in any page, count or report.
PREPARED = "prepared"


class Attempt(db.Model):
    """One member's attempt at a sitting's exam: the paper drawn for them, then the outcome."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("sitting_id", "user_id", "number"),
        CheckConstraint("status IN ('prepared', 'in_progress', 'submitted')", name="status"),
        CheckConstraint(
            "(status = 'submitted' AND submitted_at IS NOT NULL AND score IS NOT NULL) OR "
            "(status IN ('prepared', 'in_progress') AND submitted_at IS NULL AND score IS NULL)",
            name="score_iff_submitted",
        ),
        CheckConstraint(
            "(status = 'prepared' AND started_at IS NULL AND deadline IS NULL) OR "
            "(status <> 'prepared' AND started_at IS NOT NULL AND deadline IS NOT NULL)",
            name="started_iff_not_prepared",
        ),
        CheckConstraint("finalized_by IS NULL OR finalized_by IN ('member', 'deadline')", name="finalized_by"),
        CheckConstraint("number >= 1", name="number"),
        # The database itself refuses a second attempt in progress for the same member and sitting.
        Index(
            "uq_attempts_one_in_progress", "sitting_id", "user_id", unique=True,
            sqlite_where=text("status = 'in_progress'"), postgresql_where=text("status = 'in_progress'"),
        ),
        # Preparing twice (cron runs overlapping, an edit while cron runs) never gives a member two papers.
        Index(
            "uq_attempts_one_prepared", "sitting_id", "user_id", unique=True,
            sqlite_where=text("status = 'prepared'"), postgresql_where=text("status = 'prepared'"),
        ),
        Index("ix_attempts_sitting_status", "sitting_id", "status"),
        Index("ix_attempts_status_deadline", "status", "deadline"),
        Index("ix_attempts_user", "user_id", "started_at"),
        # Submitted attempts whose misses wait for the review policy (services.exams.misses.release).
        Index("ix_attempts_book_pending", "sitting_id",
              sqlite_where=text("status = 'submitted' AND book_recorded_at IS NULL"),
              postgresql_where=text("status = 'submitted' AND book_recorded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(ForeignKey("sittings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: 1 for the first attempt in the sitting, then 2, ...
    number: Mapped[int] = mapped_column(default=1)
    #: "prepared" (drawn ahead, not started), "in_progress" or "submitted".
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    #: Seed of the paper draw, so the same paper can be reproduced.
    seed: Mapped[int] = mapped_column(db.BigInteger)
    #: NULL while prepared: the clock starts when the member presses 开始.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: min(started_at + time limit, sitting close): no save is accepted after it; NULL while prepared.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "member" (pressed submit) or "deadline" (finalized when overdue).
    finalized_by: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[float | None]
    max_score: Mapped[float] = mapped_column(default=0)
    passed: Mapped[bool | None]
    #: Seconds from start to submission (capped at the deadline).
    time_used_seconds: Mapped[int | None]
    #: When the attempt's misses entered the wrong-answer book: only once the review policy shows the
    #: member this attempt's answers (services.exams.misses); None until then.
    book_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sitting: Mapped[Sitting] = relationship()
    user = relationship("User")
    questions: Mapped[list[AttemptQuestion]] = relationship(
        order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )

    @hybrid_property
    def started(self) -> bool:
        """An attempt in the sense of every page, count, report and guard: the member has started it.

        The one rule for leaving prepared papers out; in a query it is the SQL condition
        (`select(Attempt).where(Attempt.started)`)."""
        return self.status != PREPARED

    def __repr__(self) -> str:
        return f"<Attempt {self.id} sitting={self.sitting_id} user={self.user_id} #{self.number} {self.status}>"


class AttemptQuestion(db.Model):
    """A question on an attempt's paper, pinned to the version shown, with its outcome once graded."""

    __tablename__ = "attempt_questions"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    #: 1-based place on the paper.
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    #: The exact version shown; such a version is "used" and never edited again.
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    points: Mapped[float]
    #: Original option keys in display order (empty for true/false and fill-in).
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    #: Outcome, set when the attempt is graded.
    awarded: Mapped[float | None]
    correct: Mapped[bool | None]

    version = relationship("QuestionVersion")

    def __repr__(self) -> str:
        return f"<AttemptQuestion attempt={self.attempt_id} #{self.position} q={self.question_id}>"


class Answer(db.Model):
    """The latest saved response to one question of an attempt."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    #: Canonical response (domain.grading.check_response); None when cleared.
    response: Mapped[object | None] = mapped_column(JSON)
    #: The client's sequence number of this save; older saves never overwrite newer ones.
    client_seq: Mapped[int] = mapped_column(db.BigInteger, default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Answer attempt={self.attempt_id} q={self.question_id} seq={self.client_seq}>"
