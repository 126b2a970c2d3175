"""The organizational-life ledger (三会一课台账): 党小组, activities, attendance, attachments, history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .attachments import StoredFile
from .org import Unit, User
from .types import UTCDateTime, utcnow

ACTIVITY_KINDS = ("general_meeting", "committee", "group_meeting", "party_lecture", "theme_day", "life_meeting",
                  "appraisal", "heart_talk", "group_study")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PartyGroup(db.Model):
    """A 党小组 of a branch (Art. 13); members point at it through users.party_group_id."""

    __tablename__ = "party_groups"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The branch the group belongs to.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    #: Name, unique within the branch, e.g. "第一党小组".
    name: Mapped[str] = mapped_column(String(100))

    def __repr__(self) -> str:
        return f"<PartyGroup {self.id} {self.name!r}>"


class Activity(db.Model):
    """One organizational-life activity of a branch: planned (计划) or held (已开展)."""

    __tablename__ = "ledger_activities"
    __table_args__ = (
        CheckConstraint(_in("kind", ACTIVITY_KINDS), name="kind"),
        CheckConstraint("status IN ('planned', 'done')", name="status"),
        CheckConstraint("ends_at >= starts_at", name="window"),
        Index("ix_ledger_activities_org_start", "organization_id", "starts_at"),
        Index("ix_ledger_activities_unit_start", "unit_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Top-level organization (isolates organizations from each other).
    organization_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: The branch that held (or plans) the activity.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    #: One of ACTIVITY_KINDS (labels in domain.ledger.kinds).
    kind: Mapped[str] = mapped_column(String(30))
    #: "planned" or "done"; only done activities meet a rule.
    status: Mapped[str] = mapped_column(String(10), default="planned")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    topic: Mapped[str] = mapped_column(String(200))
    #: Who chaired and who kept the minutes (members of the branch).
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The 党小组 for a 党小组会 (or an activity of one group).
    party_group_id: Mapped[int | None] = mapped_column(ForeignKey("party_groups.id", ondelete="SET NULL"))
    #: Minutes in the content format's Markdown, and their sanitized HTML (rendered once, on save).
    minutes_md: Mapped[str] = mapped_column(Text, default="")
    minutes_html: Mapped[str] = mapped_column(Text, default="")
    #: Decisions taken, as plain text.
    decisions: Mapped[str] = mapped_column(Text, default="")
    #: Whether members of the branch may read the minutes and decisions.
    minutes_public: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A 党员大会 that votes: its quorum (Art. 11) is shown and checked.
    votes: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The sign-in window (a group-study session inviting the branch); members sign in through it.
    signin_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    recorder: Mapped[User | None] = relationship(foreign_keys=[recorder_id])
    party_group: Mapped[PartyGroup | None] = relationship()
    attendance: Mapped[list[ActivityAttendance]] = relationship(cascade="all, delete-orphan",
                                                                 back_populates="activity")
    attachments: Mapped[list[ActivityAttachment]] = relationship(cascade="all, delete-orphan",
                                                                  order_by="ActivityAttachment.id")
    revisions: Mapped[list[ActivityRevision]] = relationship(cascade="all, delete-orphan",
                                                              order_by="ActivityRevision.id.desc()")

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind} {self.topic!r}>"


class ActivityAttendance(db.Model):
    """A member's attendance at an activity: present, or absent with a reason."""

    __tablename__ = "ledger_attendance"
    __table_args__ = (CheckConstraint("status IN ('present', 'leave', 'absent', 'other')", name="status"),)

    activity_id: Mapped[int] = mapped_column(ForeignKey("ledger_activities.id", ondelete="CASCADE"),
                                             primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    #: present / leave (请假) / absent (缺席) / other (其他)
    status: Mapped[str] = mapped_column(String(10))
    #: Free-text reason for an absence.
    reason: Mapped[str] = mapped_column(String(200), default="")

    activity: Mapped[Activity] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ActivityAttendance {self.activity_id}/{self.user_id} {self.status}>"


class ActivityAttachment(StoredFile, db.Model):
    """A photo or scan (image or PDF) kept in the instance folder, outside the web root."""

    __tablename__ = "ledger_attachments"

    activity_id: Mapped[int] = mapped_column(ForeignKey("ledger_activities.id", ondelete="CASCADE"), index=True)

    def __repr__(self) -> str:
        return f"<ActivityAttachment {self.id} {self.filename!r}>"


class ActivityRevision(db.Model):
    """One save of an activity record: who changed which fields from what to what, and when."""

    __tablename__ = "ledger_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("ledger_activities.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: JSON list of [field label, old text, new text]; empty list for the creation.
    changes: Mapped[str] = mapped_column(Text, default="[]")

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ActivityRevision {self.id} of {self.activity_id}>"
