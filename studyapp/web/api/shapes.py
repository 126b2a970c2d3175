"""Request parsing and response shapes shared by the API views."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import request
from werkzeug.exceptions import BadRequest as MalformedBody

from ...services.errors import Invalid, ServiceError


class BadRequest(ServiceError):
    status = 400
    code = "bad_request"


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with an explicit offset, e.g. 2026-05-01T08:00:00+00:00."""
    return value.astimezone(timezone.utc).isoformat() if value is not None else None


def json_body() -> dict:
    """The request body as a JSON object: 400 if it is not JSON, 422 if it is not an object."""
    if not request.data:
        raise Invalid("请求体应为 JSON 对象")
    try:
        body = request.get_json(force=True)
    except MalformedBody:  # malformed JSON or a bad encoding
        raise BadRequest("请求体不是合法的 JSON") from None
    if not isinstance(body, dict):
        raise Invalid("请求体应为 JSON 对象")
    return body


def int_arg(name: str, default: int, low: int, high: int) -> int | None:
    """A whole-number query parameter within [low, high], `default` when absent; None when it is not one."""
    raw = request.args.get(name)
    if raw is None:
        return default
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    return value if value is not None and low <= value <= high else None


def number(value: float | None) -> float | None:
    """Scores as JSON numbers: whole numbers without a trailing .0 stay floats for a stable type."""
    return float(value) if value is not None else None
