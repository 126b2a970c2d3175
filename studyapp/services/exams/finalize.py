"""Closing an attempt exactly once: by the member's submit, or by the deadline (on touch or by cron).

Every path goes through close_attempt(): lock the attempt row (PostgreSQL FOR UPDATE; on SQLite the
writing transaction already holds the database write lock from BEGIN IMMEDIATE), re-check its status,
grade the answers saved up to the deadline, then a conditional UPDATE ... WHERE status='in_progress'.
Misses go into the wrong-answer book here only if the review policy shows them now (services.exams.misses).
Only the caller whose UPDATE changed the row writes outcomes; grading and the status change commit
together or not at all.
"""
from __future__ import annotations

import functools
import json
import logging
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import Boolean, Float, Integer, Text, and_, bindparam, case, cast, func, literal, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ...domain import grading, scoring, timing
from ...models import QuestionVersion
from ...models.exams import Answer, Attempt, AttemptQuestion, Exam, Sitting
from .. import bulk, wrong_book
from ..accounts import SessionClaim, claim_parameters, with_claim_state
from ..sql_constants import constant
from .misses import visible_at_close

log = logging.getLogger(__name__)


def lock_attempt(session: Session, attempt_id: int, with_exam: bool = False) -> Attempt | None:
    """Load the attempt fresh from the database, row-locked where the backend supports it; with_exam:
    its sitting and exam in the same statement (closing it reads both)."""
    return session.scalar(_lock_statement(session.get_bind().dialect.name == "postgresql", with_exam),
                          {"id": attempt_id})


@functools.cache
def _lock_statement(for_update: bool, with_exam: bool = False):
    # Built once: every save and submit runs it, and building it cost more than running it.
    stmt = select(Attempt).where(Attempt.id == bindparam("id")).execution_options(populate_existing=True)
    if not with_exam:
        return stmt.with_for_update() if for_update else stmt
    stmt = stmt.options(joinedload(Attempt.sitting, innerjoin=True).joinedload(Sitting.exam, innerjoin=True))
    # The attempt's row only: every submit of a sitting reads the same sitting and exam rows.
    return stmt.with_for_update(of=Attempt.__table__) if for_update else stmt


def close_attempt(session: Session, attempt: Attempt, now: datetime, finalized_by: str) -> bool:
    """Grade and mark submitted; True if this call made the transition, False if it was already done."""
    if attempt.status != "in_progress":
        return False
    sitting = attempt.sitting
    exam = sitting.exam
    closed = close_locked(session, Closing(
        attempt.id, attempt.user_id, attempt.status, attempt.started_at, attempt.deadline, attempt.max_score,
        sitting.closes_at, exam.id, exam.multiple_policy, exam.pass_percent, exam.review_policy,
    ), now, finalized_by)
    if closed is None:
        session.expire(attempt)
        return False
    # The object now holds what the UPDATE wrote, as a re-read would, without the round trip.
    for key, value in closed.items():
        set_committed_value(attempt, key, value)
    return True


class Closing(NamedTuple):
    """What closing an attempt reads: the attempt's row with its sitting's close and its exam's policies
    (the columns of locked_for_closing(), or taken from the loaded objects)."""

    id: int
    user_id: int
    status: str
    started_at: datetime
    deadline: datetime
    max_score: float
    closes_at: datetime
    exam_id: int
    multiple_policy: str
    pass_percent: int
    review_policy: str


def locked_for_closing(session: Session, attempt_id: int, member=None):
    """The attempt's row as plain columns (Closing's, then its stored outcome: score, passed, submitted_at,
    finalized_by), row-locked where the backend supports it; None if there is no such attempt. A submit
    reads no more: loading the Attempt, Sitting and Exam objects cost more than grading. member: a web
    session's claim adds its claim_state (accounts.confirmed_user_id)."""
    claim = isinstance(member, SessionClaim)
    return session.connection().execute(
        _closing_statement(session.get_bind().dialect.name == "postgresql", claim),
        {"id": attempt_id, **claim_parameters(member)}).first()


@functools.cache
def _closing_statement(for_update: bool, with_claim: bool = False):
    stmt = (select(Attempt.id, Attempt.user_id, Attempt.status, Attempt.started_at, Attempt.deadline,
                   Attempt.max_score, Sitting.closes_at, Exam.id.label("exam_id"), Exam.multiple_policy,
                   Exam.pass_percent, Exam.review_policy,
                   Attempt.score, Attempt.passed, Attempt.submitted_at, Attempt.finalized_by)
            .join(Sitting, Sitting.id == Attempt.sitting_id).join(Exam, Exam.id == Sitting.exam_id)
            .where(Attempt.id == bindparam("id")))
    if with_claim:
        stmt = with_claim_state(stmt)
    # The attempt's row only: every submit of a sitting reads the same sitting and exam rows.
    return stmt.with_for_update(of=Attempt.__table__) if for_update else stmt


def close_locked(session: Session, attempt: Closing, now: datetime, finalized_by: str) -> dict | None:
    """Grade the attempt (locked, in progress) and mark it submitted: the columns written, or None if
    another closer changed it first. A loaded Attempt object of it is left as it was (the caller's to
    update or expire)."""
    ended = min(now, attempt.deadline)
    to_book = visible_at_close(session, attempt.review_policy, attempt.exam_id, attempt.closes_at, now)
    # Plain rows, not ORM objects, from statements built once: grading is on the hot path of a sitting.
    # Each paper row comes with the answer saved to it up to the deadline (None if none); key and answer
    # as their JSON texts, graded through a cache keyed by those texts (see _graded).
    items_stmt, close_stmt = _grading_statements()
    connection = session.connection()
    items = connection.execute(items_stmt, {"attempt_id": attempt.id, "deadline": attempt.deadline}).all()
    policy = attempt.multiple_policy
    outcomes = [(item, _graded(item.qtype, item.answer, item.stem_md, item.response, item.points, policy))
                for item in items]
    score = scoring.total([o.awarded for _, o in outcomes])
    closed = {
        "submitted_at": ended.astimezone(timezone.utc), "finalized_by": finalized_by,
        "score": score, "passed": scoring.passed(score, attempt.max_score, attempt.pass_percent),
        "time_used_seconds": timing.time_used(attempt.started_at, ended, attempt.deadline),
        "book_recorded_at": now.astimezone(timezone.utc) if to_book else None,
    }
    changed = connection.execute(close_stmt, {"attempt_id": attempt.id, **closed}).rowcount
    if changed != 1:
        return None
    # All outcomes in one statement (same transaction as the status change).
    _write_outcomes(connection, [(item.id, o.awarded, o.correct) for item, o in outcomes])
    for obj in list(session.identity_map.values()):  # Core bypassed the identity map: re-read on next use
        if isinstance(obj, AttemptQuestion):
            session.expire(obj)
    if to_book:  # else services.exams.misses.release records them once the review opens
        wrong_book.record_results(
            session, attempt.user_id,
            [(item.question_id, item.question_version_id, o.correct, _decoded(item.response))
             for item, o in outcomes],
            now, source="exam",
        )
    session.flush()
    return {"status": "submitted", **closed}


@functools.lru_cache(maxsize=16384)
def _graded(qtype: str, key_json: str, stem: str, response_json: str | None, points: float,
            policy: str) -> grading.Outcome:
    """grading.grade of a key and a saved answer given as their JSON texts. Grading is a pure function of
    its inputs and an Outcome is immutable, so the same texts are graded once per process: a sitting's
    papers meet the same few keys, stems and answers (a choice, true or false) thousands of times."""
    return grading.grade(qtype, _decoded(key_json), _decoded(response_json), points, policy, stem=stem)


#: JSON text -> value. The values are shared: never modified.
_decoded_text = functools.lru_cache(maxsize=4096)(json.loads)


def _decoded(text: str | None):
    return None if text is None else _decoded_text(text)


@functools.cache
def _grading_statements():
    # The JSON columns as text (CAST: psycopg would decode json itself), for _graded.
    items = (select(AttemptQuestion.id, AttemptQuestion.question_id, AttemptQuestion.question_version_id,
                    AttemptQuestion.points, QuestionVersion.qtype, cast(QuestionVersion.answer, Text).label("answer"),
                    # Only a fill-in grader reads the stem: no other type's is fetched (or hashed by _graded).
                    case((QuestionVersion.qtype == "fill_blank", QuestionVersion.stem_md), else_=literal("")
                         ).label("stem_md"),
                    cast(Answer.response, Text).label("response"))
             .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
             .outerjoin(Answer, and_(Answer.attempt_id == AttemptQuestion.attempt_id,
                                     Answer.question_id == AttemptQuestion.question_id,
                                     Answer.saved_at <= bindparam("deadline")))
             .where(AttemptQuestion.attempt_id == bindparam("attempt_id")).order_by(AttemptQuestion.position))
    table = Attempt.__table__
    # Conditional: of two closers racing, only the one whose UPDATE changes the row writes outcomes.
    close = (update(table).where(table.c.id == bindparam("attempt_id"), table.c.status == constant("in_progress"))
             .values(status="submitted", submitted_at=bindparam("submitted_at"),
                     finalized_by=bindparam("finalized_by"), score=bindparam("score"), passed=bindparam("passed"),
                     time_used_seconds=bindparam("time_used_seconds"),
                     book_recorded_at=bindparam("book_recorded_at")))
    return items, close


def _write_outcomes(connection, rows: list[tuple[int, float, bool]]) -> None:
    """(paper row id, awarded, correct) of every graded question, in one statement."""
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # One UPDATE joined to the outcomes passed as three arrays: an executemany would be a statement
        # per question for the server (on the machine the app shares), and a round of driver work each.
        ids, awarded, correct = (list(column) for column in zip(*rows))
        connection.execute(_outcomes_from_arrays(), {"ids": ids, "awarded": awarded, "correct": correct})
    else:  # the same UPDATE ... FROM over the outcomes as one JSON text: no per-row binding in Python
        connection.execute(_outcomes_from_json(), bulk.params(dialect, _OUTCOME_ROWS, rows))


_OUTCOME_ROWS = (("id", "int"), ("awarded", "float"), ("correct", "bool"))


@functools.cache
def _outcomes_from_arrays():
    table = AttemptQuestion.__table__
    given = func.unnest(bindparam("ids", type_=postgresql.ARRAY(Integer)),
                        bindparam("awarded", type_=postgresql.ARRAY(Float)),
                        bindparam("correct", type_=postgresql.ARRAY(Boolean))
                        ).table_valued("id", "awarded", "correct").render_derived()
    return (update(table).where(table.c.id == given.c.id)
            .values(awarded=given.c.awarded, correct=given.c.correct))


@functools.cache
def _outcomes_from_json():
    # SQLite stores a Boolean as 1/0, which is what json_extract gives for true/false.
    table = AttemptQuestion.__table__
    given = bulk.row_set("sqlite", _OUTCOME_ROWS)
    return (update(table).where(table.c.id == given.c.id)
            .values(awarded=given.c.awarded, correct=given.c.correct))


def finalize_if_overdue(session: Session, attempt: Attempt, now: datetime) -> bool:
    """Finalize an in-progress attempt whose deadline has passed (with the answers saved before it)."""
    if attempt.status == "in_progress" and timing.is_overdue(now, attempt.deadline):
        return close_attempt(session, attempt, now, "deadline")
    return False


def overdue_ids(session: Session, now: datetime, limit: int) -> list[int]:
    return list(session.scalars(
        select(Attempt.id).where(Attempt.status == "in_progress", Attempt.deadline < now)
        .order_by(Attempt.deadline, Attempt.id).limit(limit)
    ))


def finalize_overdue(session: Session, now: datetime, limit: int = 1000, commit=None) -> int:
    """Finalize overdue attempts; returns how many this call finalized.

    Each attempt runs in its own savepoint, so one that fails to grade (a "poisoned" attempt) is logged
    and skipped while the rest still finalize. Pass `commit` (the CLI passes session.commit) to make each
    attempt its own transaction, so members' saves and submits never wait behind a long batch.
    """
    done = 0
    for attempt_id in overdue_ids(session, now, limit):
        try:
            with session.begin_nested():
                attempt = lock_attempt(session, attempt_id)
                if attempt is not None and finalize_if_overdue(session, attempt, now):
                    done += 1
        except Exception:  # a broken attempt must not stop the others
            log.exception("could not finalize overdue attempt %s; skipped", attempt_id)
            continue
        if commit is not None:
            commit()
    return done
