"""Changing a sitting after it is made, with the rules organizers expect, each change kept as history.

- Before it opens: title, times and audience may all change.
- Once open: only the title may still change and the close may only move later (extend.extend_sitting:
  attempts in progress get min(start + limit, new close)); an earlier close or another audience would
  change the rules for members already sitting.
- After it closes: nothing changes; a make-up sitting (补考) is the way to give people another chance.
- Cancelling is refused once anybody has started (their attempts and scores must stay reachable);
  a cancelled sitting is kept, offered to nobody, with its history.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain import timing
from ...models import User
from ...models.exams import Attempt, Sitting, SittingMember, SittingUnit
from ..errors import Conflict, Invalid
from . import prepare
from .extend import extend_sitting
from .sittings import check_audience, record


def _iso(value: datetime) -> str:
    return value.isoformat()


def _keep_if_same_minute(new: datetime, old: datetime) -> datetime:
    """Forms show times to the minute: a time sent back unchanged is the stored one, seconds and all."""
    return old if new.replace(second=0, microsecond=0) == old.replace(second=0, microsecond=0) else new


def edit_sitting(
    session: Session, actor: User | None, managed: set[int], sitting: Sitting, now: datetime, *, title: str,
    opens_at: datetime, closes_at: datetime, unit_ids: list[int], usernames: list[str],
) -> Sitting:
    """Apply an organizer's edit within the rules above (the caller has checked sittings.may_change)."""
    if sitting.cancelled_at is not None:
        raise Conflict("本场已取消，不能修改")
    window = timing.window_state(now, sitting.opens_at, sitting.closes_at)
    opens_at = _keep_if_same_minute(opens_at, sitting.opens_at)
    closes_at = _keep_if_same_minute(closes_at, sitting.closes_at)
    if window == timing.CLOSED:
        raise Conflict("本场已结束，不能修改；如需再考，请安排补考")
    problems = []
    if not title.strip():
        problems.append("请填写场次名称")
    if closes_at <= opens_at:
        problems.append("结束时间必须晚于开始时间")
    audience_problems, listed = check_audience(session, managed, unit_ids, usernames)
    problems += audience_problems
    if not unit_ids and not listed:
        problems.append("请至少选择一个支部或列出一名党员")
    old_units = {su.unit_id for su in sitting.units}
    old_listed = {sm.user_id for sm in sitting.members}
    audience_changed = set(unit_ids) != old_units or listed != old_listed
    if window == timing.OPEN:
        if opens_at != sitting.opens_at or audience_changed:
            problems.append("本场已开始，只能延长结束时间（开始时间和参加范围不能再改）")
        if closes_at < sitting.closes_at:
            problems.append("本场已开始，结束时间只能延后，不能提前")
    elif opens_at <= now:
        problems.append("开始时间不能早于现在")
    if problems:
        raise Invalid("；".join(problems))
    detail: dict = {}
    if title.strip() != sitting.title:
        detail["title"] = [sitting.title, title.strip()]
        sitting.title = title.strip()
    if window == timing.OPEN:
        if closes_at > sitting.closes_at:
            if detail:
                record(session, sitting, "edited", actor, now, detail)
            extend_sitting(session, sitting.id, closes_at, now, managed, actor=actor)
            return sitting
    else:
        if opens_at != sitting.opens_at:
            detail["opens_at"] = [_iso(sitting.opens_at), _iso(opens_at)]
            sitting.opens_at = opens_at
        if closes_at != sitting.closes_at:
            detail["closes_at"] = [_iso(sitting.closes_at), _iso(closes_at)]
            sitting.closes_at = closes_at
        if audience_changed:
            detail["audience"] = [len(old_units) + len(old_listed), len(set(unit_ids)) + len(listed)]
            sitting.units = [SittingUnit(unit_id=u) for u in sorted(set(unit_ids))]
            sitting.members = [SittingMember(user_id=u) for u in sorted(listed)]
            session.flush()
    if detail:
        record(session, sitting, "edited", actor, now, detail)
    session.flush()
    if "audience" in detail or "opens_at" in detail:
        prepare.refresh_sitting(session, sitting, now)
    return sitting


def attempts_in(session: Session, sitting: Sitting) -> int:
    """Attempts members started in the sitting (papers drawn ahead are not attempts)."""
    return session.scalar(select(func.count()).select_from(Attempt)
                          .where(Attempt.sitting_id == sitting.id, Attempt.started)) or 0


def cancel_sitting(session: Session, actor: User | None, sitting: Sitting, now: datetime) -> Sitting:
    """Cancel a sitting nobody has started; with attempts it is refused, saying how many."""
    if sitting.cancelled_at is not None:
        return sitting
    started = attempts_in(session, sitting)
    if started:
        raise Conflict(f"本场已有 {started} 份答卷，不能取消；可以修改结束时间或在结束后安排补考")
    sitting.cancelled_at = now
    record(session, sitting, "cancelled", actor, now)
    session.flush()
    prepare.refresh_sitting(session, sitting, now)
    return sitting
