"""Bearer tokens of the JSON API. Only a SHA-256 of each token is kept; the token is shown once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .org import User
from .types import UTCDateTime, utcnow


class ApiToken(db.Model):
    """A token issued to a user; valid until it expires, is revoked, or the user's session version moves on."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="lifetime"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Hex SHA-256 of the token; a stolen database yields no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: users.session_version when issued: password change, deactivation, role change and
    #: "log out everywhere" bump it, which ends every token as it ends every web session.
    session_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: created_at + API_TOKEN_HOURS.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set by DELETE /api/v1/auth/token; a revoked token never works again.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Last authenticated request, for the user's and administrators' information.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id} expires={self.expires_at:%Y-%m-%d %H:%M}>"
