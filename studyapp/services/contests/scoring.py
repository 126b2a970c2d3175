"""Finishing a round: score it, check fair play, and (if it counts) update the standings once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from ...domain import contest_rules as rules
from ...models import User
from ...models.contests import Contest, ContestRound, RoundQuestion
from . import fairplay, standings


def answered_items(contest: Contest, questions: list[RoundQuestion]) -> list[rules.Answered]:
    """Each question as scored; a late answer has no time (it costs the full countdown)."""
    return [rules.Answered(q.correct, None if q.answered_at is None or q.late
                           else rules.elapsed_ms(q.shown_at, q.answered_at)) for q in questions]


def finish_round(session: Session, contest: Contest, round_: ContestRound, now: datetime) -> bool:
    """Close the round exactly once (conditional UPDATE); only the winner scores and ranks it."""
    items = answered_items(contest, round_.questions)
    result = rules.score_round(items, contest.seconds_per_question)
    key = rules.sequence_key([q.question_version_id for q in round_.questions],
                             [q.response for q in round_.questions])
    flags = [rules.FAST] if rules.fast_answers(items, contest.fast_answer_threshold_ms) else []
    won = session.execute(
        update(ContestRound).where(ContestRound.id == round_.id, ContestRound.status == "in_progress")
        .values(status="finished", finished_at=now, score=result.score, time_used_ms=result.time_used_ms,
                sequence_key=key, flags=flags, review="flagged" if flags else "ok")
        .execution_options(synchronize_session=False)).rowcount == 1
    session.refresh(round_)
    if not won:
        return False
    fairplay.check_identical(session, contest, round_)
    if round_.counted:
        standings.record(session, contest, round_, _branch(session, round_.user_id))
    return True


def _branch(session: Session, user_id: int) -> int:
    return session.get(User, user_id).unit_id


