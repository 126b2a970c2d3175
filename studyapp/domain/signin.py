"""When a group-study session accepts sign-ins (签到): a rule of time only, with `now` passed in."""
from __future__ import annotations

from datetime import datetime, timedelta

NOT_YET, OPEN, CLOSED = "not_yet", "open", "closed"


def signin_state(starts_at: datetime, ends_at: datetime, now: datetime, early: timedelta) -> str:
    """NOT_YET before `starts_at - early`, OPEN until `ends_at` inclusive, CLOSED afterwards."""
    if now < starts_at - early:
        return NOT_YET
    if now > ends_at:
        return CLOSED
    return OPEN
