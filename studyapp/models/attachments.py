"""The columns every stored file shares (ledger attachments, assessment evidence): the file lives in the
instance folder under a random name; the row says what it is and who brought it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .types import UTCDateTime, utcnow


class StoredFile:
    """Mixin: the name shown, the type found from the content, the size and the random name on disk."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The name the uploader's file had (shown, never used as a path).
    filename: Mapped[str] = mapped_column(String(200))
    #: Media type found from the content (magic bytes), not from the name or the browser.
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column()
    #: Random file name under the instance folder's attachment directory.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
