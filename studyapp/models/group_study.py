"""Group study sessions (集中学习): when and where, which chapters, which branches, who signed in."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Chapter
from .org import Unit
from .types import UTCDateTime, utcnow

#: Chapters studied at a session.
study_session_chapters = Table(
    "study_session_chapters",
    db.metadata,
    Column("session_id", ForeignKey("study_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("chapter_id", ForeignKey("chapters.id", ondelete="CASCADE"), primary_key=True),
)

#: Units invited to a session; a unit invites every member in its subtree.
study_session_units = Table(
    "study_session_units",
    db.metadata,
    Column("session_id", ForeignKey("study_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class StudySession(db.Model):
    """A scheduled group study (集中学习) that invited members sign in to during its time window."""

    __tablename__ = "study_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Top-level organization the session belongs to (isolates organizations from each other).
    organization_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Start and end of the session; sign-in is open in this window (plus a configured early margin).
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Meeting room, or the online meeting's link or number, as free text.
    place: Mapped[str] = mapped_column(String(300), default="")
    #: Optional agenda or notes shown to members.
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    chapters: Mapped[list[Chapter]] = relationship(secondary=study_session_chapters, order_by="Chapter.id")
    units: Mapped[list[Unit]] = relationship(secondary=study_session_units, order_by="Unit.sort_order, Unit.id")

    def __repr__(self) -> str:
        return f"<StudySession {self.id} {self.title!r}>"


class Attendance(db.Model):
    """A member's sign-in (签到) at a session; at most one per member and session."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: When the member signed in (server clock).
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Attendance session={self.session_id} user={self.user_id}>"
