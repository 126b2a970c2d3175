"""What a regrade changed: one row per attempt whose score or outcome moved, with old and new values."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class ScoreChange(db.Model):
    """An attempt's score changed by a regrade (after an organizer corrected an answer key)."""

    __tablename__ = "score_changes"
    __table_args__ = (Index("ix_score_changes_attempt", "attempt_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    #: Score and pass/fail before and after the regrade.
    old_score: Mapped[float]
    new_score: Mapped[float]
    old_passed: Mapped[bool | None]
    new_passed: Mapped[bool | None]
    #: Why, in words shown to organizers, e.g. "更正第3题答案后重新评分".
    reason: Mapped[str] = mapped_column(String(200), default="")
    #: The organizer who ran the regrade; None from the command line.
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt = relationship("Attempt")
    changed_by = relationship("User")

    def __repr__(self) -> str:
        return f"<ScoreChange attempt={self.attempt_id} {self.old_score}->{self.new_score}>"
