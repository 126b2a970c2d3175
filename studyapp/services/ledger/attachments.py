"""Attachments: checked by content, kept in the instance folder (outside the web root) with owner-only
permissions, under random names; the uploader's file name is shown, never used as a path."""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ...domain.ledger import files
from ...models import User
from ...models.ledger import Activity, ActivityAttachment
from ..errors import Invalid

DIRECTORY = "ledger_attachments"  # under the instance folder


def storage(directory: str | Path) -> Path:
    """The attachment directory (created owner-only on first use)."""
    path = Path(directory)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def add_attachments(session: Session, actor: User, activity: Activity, uploads: list[tuple[str, bytes]],
                    directory: Path, now: datetime) -> list[ActivityAttachment]:
    """Attach every upload (name, bytes) or none: each file's problem is reported by name."""
    problems = [problem for name, data in uploads if (problem := files.problem(data, name))]
    if not uploads:
        problems.append("请选择要上传的文件")
    if len(activity.attachments) + len(uploads) > files.MAX_PER_ACTIVITY:
        problems.append(f"每条记录最多{files.MAX_PER_ACTIVITY}个附件")
    if problems:
        raise Invalid("；".join(problems))
    written, added = [], []
    try:
        for name, data in uploads:
            media_type, extension = files.sniff(data)
            stored = f"{secrets.token_hex(16)}.{extension}"
            path = directory / stored
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            written.append(path)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            attachment = ActivityAttachment(filename=_display_name(name), content_type=media_type, size=len(data),
                                            stored_name=stored, uploaded_by_id=actor.id, uploaded_at=now)
            activity.attachments.append(attachment)
            added.append(attachment)
        session.flush()
    except BaseException:
        for path in written:  # nothing half-saved: no file without its row
            path.unlink(missing_ok=True)
        raise
    return added


def _display_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip() or "附件"
    return base[:200]


def read(attachment: ActivityAttachment, directory: Path) -> bytes:
    return (directory / attachment.stored_name).read_bytes()


def delete_attachment(session: Session, attachment: ActivityAttachment, directory: Path) -> Path:
    """Delete the row; the caller removes the returned file once the deletion is committed."""
    session.delete(attachment)
    session.flush()
    return directory / attachment.stored_name
