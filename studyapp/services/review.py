"""Spaced review of the wrong-answer book with FSRS (the `fsrs` package): the only module that calls it.

Each question in a member's book gets a ReviewCard. A miss (in practice, an exam or a review) is
rated Again, so the question comes back soon; a correct review is rated Good and moves it further
out. Misses recorded by the wrong-answer book are picked up by `sync`, which compares the book's
last_wrong_at with the card's last_event_at, so the book's writers need not know about review.
The clock is always a parameter.
"""
from __future__ import annotations

import functools
from datetime import datetime

from fsrs import Card, Rating, Scheduler
from sqlalchemy import and_, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from ..models import Question
from ..models.daily import ReviewCard
from ..models.practice import WrongAnswer
from .errors import NotFound

#: No fuzzing: the same history gives the same schedule (tests and reproducible support answers).
SCHEDULER = Scheduler(enable_fuzzing=False)


def _apply(card_row: ReviewCard, rating: Rating, at: datetime) -> None:
    card = Card.from_json(card_row.card_json)
    card, _log = SCHEDULER.review_card(card, rating, at)
    card_row.card_json = card.to_json()
    card_row.due_at = card.due
    card_row.last_event_at = at
    card_row.last_rating = "good" if rating == Rating.Good else "again"


def _new(user_id: int, question_id: int, at: datetime) -> ReviewCard:
    # card_id given: without one fsrs sleeps 1 ms per new card to keep its generated ids unique (a graded
    # exam adds ~25 cards at once); the id is never used here, ReviewCard has its own key.
    return ReviewCard(user_id=user_id, question_id=question_id,
                      card_json=Card(card_id=question_id, due=at).to_json(), due_at=at,
                      reps=0, last_event_at=at)


def sync(session: Session, user_id: int) -> int:
    """Schedule every open book entry with no card yet, and re-rate cards missed again since; returns how many."""
    rows = session.execute(_unscheduled_statement(), {"user_id": user_id}).all()
    fresh = []
    for question_id, missed_at, card in rows:
        if card is None:
            fresh.append(_first_miss(user_id, question_id, missed_at))
        else:
            _apply(card, Rating.Again, missed_at)
    if fresh:
        # One INSERT for all new cards: a graded exam can add dozens, inside the submit transaction.
        session.execute(insert(ReviewCard), fresh)
    session.flush()
    return len(rows)


@functools.cache
def _unscheduled_statement():
    # Built once: it runs inside every graded exam with a miss.
    return (select(WrongAnswer.question_id, WrongAnswer.last_wrong_at, ReviewCard)
            .outerjoin(ReviewCard, and_(ReviewCard.user_id == WrongAnswer.user_id,
                                        ReviewCard.question_id == WrongAnswer.question_id))
            .where(WrongAnswer.user_id == bindparam("user_id"),
                   or_(and_(ReviewCard.id.is_(None), WrongAnswer.resolved_at.is_(None)),
                       WrongAnswer.last_wrong_at > ReviewCard.last_event_at)))


def _first_miss(user_id: int, question_id: int, at: datetime) -> dict:
    """Column values of a new card rated Again at the moment of the miss."""
    card, _log = SCHEDULER.review_card(Card(card_id=question_id, due=at), Rating.Again, at)
    return dict(user_id=user_id, question_id=question_id, card_json=card.to_json(), due_at=card.due, reps=0,
                last_event_at=at, last_rating="again")


def record_review(session: Session, user_id: int, question_id: int, correct: bool, now: datetime) -> ReviewCard:
    """A review answer: correct moves the card further out (Good), wrong brings it back soon (Again)."""
    card = session.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id,
                                                   ReviewCard.question_id == question_id))
    if card is None:
        card = _new(user_id, question_id, now)
        session.add(card)
    _apply(card, Rating.Good if correct else Rating.Again, now)
    card.reps += 1
    session.flush()
    return card


def _due(user_id: int, until: datetime):
    return (select(ReviewCard).join(Question, Question.id == ReviewCard.question_id)
            .where(ReviewCard.user_id == user_id, ReviewCard.due_at <= until, Question.status == "active"))


def due_count(session: Session, user_id: int, until: datetime) -> int:
    """Cards due by `until` (e.g. the end of the member's day)."""
    return session.scalar(select(func.count()).select_from(_due(user_id, until).subquery())) or 0


def due_question_ids(session: Session, user_id: int, now: datetime, limit: int = 50) -> list[int]:
    """Questions to review now, most overdue first."""
    stmt = _due(user_id, now).order_by(ReviewCard.due_at, ReviewCard.id).limit(limit)
    return [card.question_id for card in session.scalars(stmt)]


def due_card(session: Session, user_id: int, question_id: int, now: datetime) -> ReviewCard:
    """The member's card for the question if it is due now: only such a card may be answered in review
    (anything else would make review an oracle for the key of any question, an open exam's included)."""
    card = session.scalar(_due(user_id, now).where(ReviewCard.question_id == question_id))
    if card is None:
        raise NotFound("这道题现在不在您的复习队列中")
    return card


def card_for(session: Session, user_id: int, question_id: int) -> ReviewCard | None:
    return session.scalar(select(ReviewCard).where(ReviewCard.user_id == user_id,
                                                   ReviewCard.question_id == question_id))
