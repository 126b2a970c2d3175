"""A member's progress through the chapters they study."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Chapter
from .types import UTCDateTime


class StudyProgress(db.Model):
    """One member's reading of one chapter: when started, when marked studied, time spent on the page."""

    __tablename__ = "study_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "chapter_id"),
        CheckConstraint("seconds_spent >= 0", name="seconds_spent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"), index=True)
    #: First time the member opened the chapter.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the member pressed "学习完成"; None while still studying.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Time the chapter page was open and visible, summed over visits (capped per report).
    seconds_spent: Mapped[int] = mapped_column(default=0)
    #: Server time up to which reading time has been credited: a report adds at most the time since
    #: then (or since the page was opened), so repeated or parallel reports never count a second twice.
    time_credited_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    chapter: Mapped[Chapter] = relationship()

    def __repr__(self) -> str:
        done = "done" if self.completed_at else "open"
        return f"<StudyProgress user={self.user_id} chapter={self.chapter_id} {done} {self.seconds_spent}s>"
