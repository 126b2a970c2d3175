"""Daily practice (每日一练) and spaced review of the wrong-answer book."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class DailySet(db.Model):
    """The set a member is given on one local day, their results, and the points it earned."""

    __tablename__ = "daily_sets"
    __table_args__ = (
        UniqueConstraint("user_id", "day"),
        CheckConstraint("points >= 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The day in the organization's time zone.
    day: Mapped[date] = mapped_column(Date)
    #: Question ids in order, drawn once (deterministically) and kept, so a reload shows the same set.
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: Per position: True / False once answered, None before.
    results: Mapped[list] = mapped_column(JSON, default=list)
    #: When the last question was answered; a day with this set counts towards the streak.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Points earned that day (capped by the daily cap).
    points: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<DailySet user={self.user_id} {self.day} {'done' if self.completed_at else 'open'}>"


class ReviewCard(db.Model):
    """Spaced-review state of one wrong-answer-book question for one member (an FSRS card)."""

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id"),
        Index("ix_review_cards_user_due", "user_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    #: The fsrs Card serialized by its own to_json(); the scheduler is the only reader.
    card_json: Mapped[str] = mapped_column(Text)
    #: Copied from the card so "due today" is an indexed query.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Reviews done (answers given on the review page).
    reps: Mapped[int] = mapped_column(default=0)
    #: The latest miss or review applied to the card; a later miss in the book is applied on the next sync.
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Rating of the last review: "again" or "good".
    last_rating: Mapped[str | None] = mapped_column(String(10))

    def __repr__(self) -> str:
        return f"<ReviewCard user={self.user_id} q={self.question_id} due={self.due_at}>"
