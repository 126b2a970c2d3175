"""Organizations, branches and the people in them."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

ROLES = ("member", "organizer", "admin")
ROLE_LABELS = {"member": "党员", "organizer": "支部组织员", "admin": "管理员"}
UNIT_KINDS = ("organization", "branch")


class Unit(db.Model):
    """A node of the organization tree: a 机关党委 / 党委 / 党总支 (organization) or a 党支部 (branch)."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        CheckConstraint("kind IN ('organization', 'branch')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The enclosing unit; None for a top-level organization.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: Display name, unique among siblings, e.g. "第一党支部".
    name: Mapped[str] = mapped_column(String(100))
    #: "organization" for units that contain others, "branch" for a 党支部.
    kind: Mapped[str] = mapped_column(String(20), default="branch")
    #: Position among siblings in the tree.
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.sort_order, Unit.id")

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r} {self.kind}>"


class OrganizerScope(db.Model):
    """A branch (with everything below it) that an organizer manages."""

    __tablename__ = "organizer_scopes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self) -> str:
        return f"<OrganizerScope user={self.user_id} unit={self.unit_id}>"


class User(UserMixin, db.Model):
    """A person who logs in: a member, a branch organizer or an administrator."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'organizer', 'admin')", name="role"),
        CheckConstraint("member_kind IN ('full', 'probationary')", name="member_kind"),
        Index("ix_users_unit_active", "unit_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login id, usually the 党员编号; unique across the installation regardless of case (and logins
    #: match it regardless of case), so `ADMIN` can never become a second account beside `admin`.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Real name shown on rosters and reports.
    name: Mapped[str] = mapped_column(String(64))
    #: Optional contact number, shown on chase lists.
    phone: Mapped[str | None] = mapped_column(String(32))
    #: The branch (or, for administrators, the organization) the person belongs to.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: One of ROLES; organizers' branches are in organizer_scopes.
    role: Mapped[str] = mapped_column(String(20), default="member")
    #: Deactivated people cannot log in and drop out of audiences.
    active: Mapped[bool] = mapped_column(default=True)
    #: Hash of the password: "argon2$..." / werkzeug formats, or "otp$<sha256>" for a one-time code.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Set for imported accounts and after a reset: the next login must choose a password.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: Bumped on logout-everywhere, password change, deactivation and role change; sessions carry it.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: 党员类别: "full" (正式党员, votes) or "probationary" (预备党员); quorum and committee rules need it.
    member_kind: Mapped[str] = mapped_column(String(12), default="full", server_default="full")
    #: The 党小组 the member belongs to, if the branch has groups. (No ON DELETE: SQLite cannot reflect it
    #: on a column added in place; a group is never deleted while it has members.)
    party_group_id: Mapped[int | None] = mapped_column(ForeignKey("party_groups.id"))

    unit: Mapped[Unit] = relationship()
    scopes: Mapped[list[OrganizerScope]] = relationship(cascade="all, delete-orphan")

    def get_id(self) -> str:
        # Flask-Login keeps this in the session; a bumped version logs out every device.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_organizer(self) -> bool:
        return self.role in ("organizer", "admin")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"


Index("uq_users_username_lower", func.lower(User.username), unique=True)
