"""Serving a stored attachment (ledger or assessment) after the page has asked its scope check, and
finding the directory an area's files live in."""
from __future__ import annotations

import io
from pathlib import Path

from flask import Response, current_app, send_file

from ..services import attachments as store
from ..models.attachments import StoredFile


def directory(setting: str, default: str) -> Path:
    """The area's directory: the setting (tests, installations) or `default` under the instance folder."""
    return store.directory(current_app.config, current_app.instance_path, setting, default)


def inline(item: StoredFile, data: bytes) -> Response:
    """The file, opened in the browser. Its type was checked by content, and nosniff plus a sandbox policy
    keep a browser from treating it as anything else; it is private and never cached."""
    response = send_file(io.BytesIO(data), mimetype=item.content_type, download_name=item.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    return response
