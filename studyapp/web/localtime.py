"""Date-time fields in the organization's local time (config TIMEZONE); the database keeps UTC."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app

#: What <input type="datetime-local"> sends and expects.
INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def parse_local(text: str | None) -> datetime | None:
    """"2026-06-01T09:00" read as local time → aware UTC; empty → None; ValueError if malformed."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in (INPUT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=zone()).astimezone(timezone.utc)
    raise ValueError("时间格式应为 年-月-日 时:分")


def to_input(value: datetime | None) -> str:
    """A UTC datetime as the local value of a datetime-local input."""
    return value.astimezone(zone()).strftime(INPUT_FORMAT) if value else ""
