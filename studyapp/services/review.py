"""Spaced review of the wrong-answer book with FSRS (the `fsrs` package): the only module that calls it.

Each question in a member's book gets a ReviewCard. A miss (in practice, an exam or a review) is
rated Again, so the question comes back soon; a correct review is rated Good and moves it further
out. Misses recorded by the wrong-answer book are picked up by `sync`, which compares the book's
last_wrong_at with the card's last_event_at, so the book's writers need not know about review.
The clock is always a parameter.
"""
from __future__ import annotations

import functools
import json
from datetime import datetime

from fsrs import Card, Rating, Scheduler
from sqlalchemy import and_, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from ..models import Question
from ..models.daily import ReviewCard
from ..models.practice import WrongAnswer
from . import bulk
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
    fresh: dict[datetime, list[int]] = {}  # first misses by their moment (one graded exam: one moment)
    for question_id, missed_at, card in rows:
        if card is None:
            fresh.setdefault(missed_at, []).append(question_id)
        else:
            _apply(card, Rating.Again, missed_at)
    if fresh:
        # One INSERT ... SELECT for the new cards of a moment (a graded exam adds dozens, inside the submit
        # transaction). They share their schedule, computed once: fsrs never reads card_id (checked in
        # tests/services/test_review), so each card is that one with its own id.
        dialect = session.get_bind().dialect.name
        connection = session.connection()
        for missed_at, question_ids in fresh.items():
            card = _first_miss(user_id, 0, missed_at)
            connection.execute(_cards_insert(dialect), {
                **card, **bulk.params(dialect, _CARD_ROWS, [(q, _with_card_id(card["card_json"], q))
                                                           for q in question_ids])})
    session.flush()
    return len(rows)


_CARD_ROWS = (("question_id", "int"), ("card_json", "text"))


@functools.cache
def _cards_insert(dialect: str):
    table = ReviewCard.__table__
    given = bulk.row_set(dialect, _CARD_ROWS)
    rows = select(bindparam("user_id", type_=table.c.user_id.type), given.c.question_id, given.c.card_json,
                  bindparam("due_at", type_=table.c.due_at.type), bindparam("reps", type_=table.c.reps.type),
                  bindparam("last_event_at", type_=table.c.last_event_at.type),
                  bindparam("last_rating", type_=table.c.last_rating.type))
    return insert(table).from_select(["user_id", "question_id", "card_json", "due_at", "reps", "last_event_at",
                                      "last_rating"], rows)


def _with_card_id(card_json: str, card_id: int) -> str:
    """A card's JSON (card_id 0) with another card_id, as Card.to_json() writes it (json.dumps of to_dict())."""
    if card_json.startswith(_NO_ID):  # card_id first, as fsrs writes it: the text after it is the same
        return f'{{"card_id": {int(card_id)}, {card_json[len(_NO_ID):]}'
    return json.dumps(dict(json.loads(card_json), card_id=card_id))


_NO_ID = '{"card_id": 0, '


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
