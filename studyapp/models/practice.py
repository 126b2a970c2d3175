"""Practice answers and the wrong-answer book (错题本).

Practice is untimed and never counts in exam records; every practice answer is still kept (it pins
the question version it showed, so that version is "used" and never edited in place). The wrong-answer
book holds one row per member and question missed in practice or an exam.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

#: Where a miss came from.
WRONG_SOURCES = ("practice", "exam")


class WrongAnswer(db.Model):
    """A question a member got wrong at least once; resolved after enough correct practice answers."""

    __tablename__ = "wrong_answers"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id"),
        CheckConstraint("wrong_count >= 0", name="wrong_count"),  # 0: only ever left unanswered
        CheckConstraint("correct_streak >= 0", name="correct_streak"),
        CheckConstraint("last_source IN ('practice', 'exam')", name="last_source"),
        Index("ix_wrong_answers_user_recent", "user_id", "last_wrong_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    #: The version the member last got wrong: the book shows that wording and its key.
    last_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    #: How many times the question was answered wrongly (practice and exams; a blank exam answer adds 0).
    wrong_count: Mapped[int] = mapped_column(default=1)
    #: The member's answer at the last miss, in the canonical response shape (None: left blank).
    last_response: Mapped[object | None] = mapped_column(JSON)
    first_wrong_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_wrong_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "practice" or "exam": where the last miss happened.
    last_source: Mapped[str] = mapped_column(String(10))
    #: Correct practice answers in a row since the last miss; RESOLVE_AFTER of them resolve the entry.
    correct_streak: Mapped[int] = mapped_column(default=0)
    #: When the member mastered it; a new miss reopens the entry (sets this back to None).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<WrongAnswer user={self.user_id} q={self.question_id} x{self.wrong_count}>"


class PracticeAnswer(db.Model):
    """One answer given in practice: what was shown (version), what was answered, whether it was right."""

    __tablename__ = "practice_answers"
    __table_args__ = (Index("ix_practice_answers_user_time", "user_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Denormalized from the version so "my practice on question X" needs no join.
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    #: The exact wording answered; referencing it marks the version as used.
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    #: The answer in the canonical response shape (None: skipped).
    response: Mapped[object | None] = mapped_column(JSON)
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PracticeAnswer user={self.user_id} v={self.question_version_id} {'ok' if self.correct else 'x'}>"
