"""Time rules of an attempt. The clock is always passed in: the server is the only authority on time."""
from __future__ import annotations

from datetime import datetime, timedelta

OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"


def deadline(started_at: datetime, time_limit_minutes: int, sitting_closes_at: datetime) -> datetime:
    """An attempt ends at its time limit or when the sitting closes, whichever comes first."""
    return min(started_at + timedelta(minutes=time_limit_minutes), sitting_closes_at)


def remaining(now: datetime, deadline_at: datetime) -> int:
    """Whole seconds left (never negative)."""
    return max(0, int((deadline_at - now).total_seconds()))


def can_save(now: datetime, deadline_at: datetime) -> bool:
    """A save is accepted up to and including the deadline, never after it."""
    return now <= deadline_at


def is_overdue(now: datetime, deadline_at: datetime) -> bool:
    return now > deadline_at


def window_state(now: datetime, opens_at: datetime, closes_at: datetime) -> str:
    if now < opens_at:
        return UPCOMING
    if now >= closes_at:
        return CLOSED
    return OPEN


def time_used(started_at: datetime, ended_at: datetime, deadline_at: datetime) -> int:
    """Seconds spent, counting no further than the deadline."""
    return max(0, int((min(ended_at, deadline_at) - started_at).total_seconds()))


def review_visible(policy: str, submitted: bool, now: datetime, sitting_closes_at: datetime) -> bool:
    """Keys and explanations are shown only to a submitted attempt, and only as the policy allows."""
    if not submitted:
        return False
    if policy == "immediate":
        return True
    if policy == "after_close":
        return now >= sitting_closes_at
    return False
