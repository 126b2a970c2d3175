"""The attachment store shared by the ledger and the assessment: files checked by content, kept in the
instance folder (outside the web root) with owner-only permissions, under random names; the uploader's
file name is shown, never used as a path. Each owner (a ledger record, a score, a problem) says how many
files it may hold and builds its own row from the fields given here."""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ..domain import attachments as files
from ..models import User
from ..models.attachments import StoredFile
from .errors import Invalid


def storage(directory: str | Path) -> Path:
    """The attachment directory (created owner-only on first use)."""
    path = Path(directory)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def directory(config: Mapping, instance_path: str, setting: str, default: str) -> Path:
    """The directory a setting names (tests and installations may move it; never under static/), else
    `default` under the instance folder."""
    return storage(config.get(setting) or f"{instance_path}/{default}")


def add_files(session: Session, actor: User, uploads: list[tuple[str, bytes]], directory: Path, now: datetime,
              held: int, limit: int, attach: Callable[[dict], StoredFile], too_many: str) -> list[StoredFile]:
    """Store every upload (name, bytes) or none: each file's problem is reported by name; past `limit` files
    for the owner, `too_many` is said. `attach` makes the owner's row from the stored file's fields and adds
    it to the owner."""
    problems = [problem for name, data in uploads if (problem := files.problem(data, name))]
    if not uploads:
        problems.append("请选择要上传的文件")
    if held + len(uploads) > limit:
        problems.append(too_many)
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
            added.append(attach({"filename": display_name(name), "content_type": media_type, "size": len(data),
                                 "stored_name": stored, "uploaded_by_id": actor.id, "uploaded_at": now}))
        session.flush()
    except BaseException:
        for path in written:  # nothing half-saved: no file without its row
            path.unlink(missing_ok=True)
        raise
    return added


def display_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip() or "附件"
    return base[:200]


def read(item: StoredFile, directory: Path) -> bytes:
    return (directory / item.stored_name).read_bytes()


def delete_file(session: Session, item: StoredFile, directory: Path) -> Path:
    """Delete the row; the caller removes the returned file once the deletion is committed."""
    session.delete(item)
    session.flush()
    return directory / item.stored_name
