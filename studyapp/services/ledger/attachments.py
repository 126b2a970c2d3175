"""Attachments of a ledger record (sign-in sheets, photos), kept in the shared attachment store
(services.attachments): checked by content, outside the web root, owner-only, under random names."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ...domain.ledger import files
from ...models import User
from ...models.ledger import Activity, ActivityAttachment
from .. import attachments as store
from ..attachments import read, storage  # noqa: F401  (the ledger's pages and tests use them from here)

DIRECTORY = "ledger_attachments"  # under the instance folder


def add_attachments(session: Session, actor: User, activity: Activity, uploads: list[tuple[str, bytes]],
                    directory: Path, now: datetime) -> list[ActivityAttachment]:
    """Attach every upload (name, bytes) or none: each file's problem is reported by name."""
    def attach(fields: dict) -> ActivityAttachment:
        attachment = ActivityAttachment(**fields)
        activity.attachments.append(attachment)
        return attachment

    return store.add_files(session, actor, uploads, directory, now, len(activity.attachments),
                           files.MAX_PER_ACTIVITY, attach, f"每条记录最多{files.MAX_PER_ACTIVITY}个附件")


def delete_attachment(session: Session, attachment: ActivityAttachment, directory: Path) -> Path:
    """Delete the row; the caller removes the returned file once the deletion is committed."""
    return store.delete_file(session, attachment, directory)
