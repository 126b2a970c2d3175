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


def review_visible(policy: str, submitted: bool, now: datetime, sitting_closes_at: datetime,
                   exam_closes_at: datetime | None = None) -> bool:
    """Keys and explanations are shown only to a submitted attempt, and only as the policy allows.

    exam_closes_at is the latest close of every sitting of the exam (make-ups included); "after_close"
    waits for it (not only for the member's own sitting), so no batch of a 分批考 can pass the keys on.
    """
    if not submitted:
        return False
    if policy == "immediate":
        return True
    if policy == "after_close":
        return now >= max(sitting_closes_at, exam_closes_at or sitting_closes_at)
    return False


def paper_released(policy: str, submitted: bool, now: datetime, sitting_closes_at: datetime,
                   exam_closes_at: datetime | None = None) -> bool:
    """Whether the questions of a member's paper may be practised (with their keys) again.

    As the review, except that under "never" the questions return once the whole exam is over: the
    attempt's own answers stay unpublished, but an open bank's questions are not kept from study forever.
    """
    if policy == "never":
        return submitted and now >= max(sitting_closes_at, exam_closes_at or sitting_closes_at)
    return review_visible(policy, submitted, now, sitting_closes_at, exam_closes_at)
