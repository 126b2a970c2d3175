"""Giving more time: close a sitting later, or extend one member's attempt (a dropped connection, a
power cut in the meeting room). Only time not yet over can be extended: an attempt past its deadline
may already be graded, and reopening a graded attempt would break "a score is recorded exactly once"."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import timing
from ...models import User
from ...models.exams import Attempt
from ..errors import Conflict, Invalid, NotFound
from .finalize import finalize_if_overdue, lock_attempt
from .sittings import managed_sitting, may_change, record

MAX_EXTRA_MINUTES = 24 * 60


def extend_attempt(session: Session, attempt_id: int, minutes: int, now: datetime, managed: set[int],
                   actor: User | None = None) -> Attempt:
    """Push one in-progress attempt's deadline back by `minutes` (the sitting's close moves with it if needed)."""
    if not isinstance(minutes, int) or not 0 < minutes <= MAX_EXTRA_MINUTES:
        raise Invalid(f"延长时间应为1到{MAX_EXTRA_MINUTES}分钟")
    attempt = lock_attempt(session, attempt_id)
    if attempt is None or not may_change(session, attempt.sitting, managed):
        raise NotFound("答卷不存在")
    if finalize_if_overdue(session, attempt, now) or attempt.status != "in_progress":
        raise Conflict("该答卷已交卷，不能延长时间")
    attempt.deadline = attempt.deadline + timedelta(minutes=minutes)
    sitting = attempt.sitting
    if sitting.closes_at < attempt.deadline:
        record(session, sitting, "extended", actor, now, {
            "closes_at": [sitting.closes_at.isoformat(), attempt.deadline.isoformat()], "attempts": 1})
        sitting.closes_at = attempt.deadline
    session.flush()
    return attempt


def extend_sitting(session: Session, sitting_id: int, closes_at: datetime, now: datetime, managed: set[int],
                   actor: User | None = None) -> int:
    """Close the sitting later; attempts in progress whose deadline was cut short by the old close get the
    time their limit allows (min(start + limit, new close)). Recorded in the sitting's history with who and
    when. Returns how many attempts were extended."""
    sitting = managed_sitting(session, sitting_id, managed)
    if sitting.cancelled_at is not None:
        raise Conflict("本场已取消，不能延长")
    if closes_at <= sitting.closes_at:
        raise Invalid("新的结束时间应晚于原结束时间")
    if sitting.closes_at <= now:
        raise Conflict("本场考试已结束，不能延长；如需再考，请安排补考")
    old_close = sitting.closes_at
    sitting.closes_at = closes_at
    limit = sitting.exam.time_limit_minutes
    extended = 0
    for attempt_id in session.scalars(select(Attempt.id).where(Attempt.sitting_id == sitting.id,
                                                               Attempt.status == "in_progress")):
        attempt = lock_attempt(session, attempt_id)
        if attempt is None or finalize_if_overdue(session, attempt, now) or attempt.status != "in_progress":
            continue
        longer = timing.deadline(attempt.started_at, limit, closes_at)
        if longer > attempt.deadline:
            attempt.deadline = longer
            extended += 1
    record(session, sitting, "extended", actor, now,
           {"closes_at": [old_close.isoformat(), closes_at.isoformat()], "attempts": extended})
    session.flush()
    return extended
