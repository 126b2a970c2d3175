"""Fair play: rounds flagged for the organizer are held out of the standings until cleared.

Flags: answers faster than a person can read (set when the round finishes) and identical answer
sequences across accounts (same questions in the same order, the same responses, near-identical
timing). Finding twins is one indexed lookup on (contest_id, sequence_key) per finished round.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import contest_rules as rules
from ...models import User
from ...models.contests import Contest, ContestRound
from ..errors import Conflict, NotFound
from . import standings


def timings(round_: ContestRound) -> list[int | None]:
    return [None if q.answered_at is None or q.shown_at is None else rules.elapsed_ms(q.shown_at, q.answered_at)
            for q in round_.questions]


def _flag(round_: ContestRound, flag: str) -> None:
    if flag not in round_.flags:
        round_.flags = [*round_.flags, flag]
    if round_.review in ("ok", "cleared"):
        round_.review = "flagged"


def check_identical(session: Session, contest: Contest, round_: ContestRound) -> None:
    """Flag this round and every other account's round with the same sequence and timing."""
    twins = session.scalars(select(ContestRound).where(
        ContestRound.contest_id == contest.id, ContestRound.sequence_key == round_.sequence_key,
        ContestRound.user_id != round_.user_id, ContestRound.status == "finished")).all()
    mine = timings(round_)
    for twin in twins:
        if not rules.near_identical_timing(mine, timings(twin)):
            continue
        was_counted = twin.counted
        _flag(twin, rules.IDENTICAL)
        _flag(round_, rules.IDENTICAL)
        session.flush()
        if was_counted:
            standings.recompute_member(session, contest, twin.user_id)
    session.flush()


def flagged_rounds(session: Session, contest: Contest) -> list[tuple[ContestRound, User]]:
    """Rounds waiting for the organizer's decision, oldest first."""
    return list(session.execute(select(ContestRound, User).join(User, User.id == ContestRound.user_id).where(
        ContestRound.contest_id == contest.id, ContestRound.review == "flagged")
        .order_by(ContestRound.finished_at, ContestRound.id)))


def _round(session: Session, contest: Contest, round_id: int) -> ContestRound:
    round_ = session.get(ContestRound, round_id)
    if round_ is None or round_.contest_id != contest.id:
        raise NotFound("答题记录不存在")
    if round_.status != "finished":
        raise Conflict("本轮尚未结束")
    return round_


def clear_round(session: Session, contest: Contest, round_id: int, now: datetime) -> ContestRound:
    """The organizer found nothing wrong: the round counts from now on."""
    round_ = _round(session, contest, round_id)
    round_.review = "cleared"
    session.flush()
    standings.recompute_member(session, contest, round_.user_id)
    return round_


def disqualify_round(session: Session, contest: Contest, round_id: int, now: datetime) -> ContestRound:
    """The round never counts (the member's other counted rounds still do)."""
    round_ = _round(session, contest, round_id)
    round_.review = "disqualified"
    session.flush()
    standings.recompute_member(session, contest, round_.user_id)
    return round_
