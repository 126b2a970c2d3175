"""An exam's misses enter the wrong-answer book (and spaced review) only when the exam's review policy
shows the member that attempt's answers: at grading under 交卷后立即, later under the other policies,
never under 不公布. Until then the book would hand out the keys and explanations the review keeps shut
(a blank submit would reveal the whole paper for the next attempt or the next batch).

Attempt.book_recorded_at marks an attempt whose misses are in the book; the conditional UPDATE that sets
it decides who records, so two releases racing record once. `release` runs from the finalize-overdue
cron (every minute) and on each member's own answers, so no page view has to write.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...domain import timing
from ...models.exams import Answer, Attempt, AttemptQuestion, Exam, Sitting
from .. import wrong_book
from ..key_access import exam_closes_at


def visible_at_close(session: Session, review_policy: str, exam_id: int, sitting_closes_at: datetime,
                     now: datetime) -> bool:
    """Does the exam's review policy show an attempt of this sitting submitted now its answers at once?"""
    if review_policy == "immediate":
        return True  # the hot path of a sitting: no query
    if review_policy == "never" or now < sitting_closes_at:
        return False  # "after_close" waits at least for this sitting's close: a submit in time, no query
    return timing.review_visible(review_policy, True, now, sitting_closes_at,
                                 exam_closes_at(session, {exam_id}).get(exam_id))


def release(session: Session, now: datetime, user_id: int | None = None, limit: int = 1000,
            commit=None) -> int:
    """Record the misses of submitted attempts whose review has opened; returns how many attempts.
    Pass `commit` (the CLI does) to make each attempt its own transaction."""
    stmt = (select(Attempt.id, Attempt.user_id, Attempt.deadline, Sitting.closes_at, Exam.id, Exam.review_policy)
            .join(Sitting, Sitting.id == Attempt.sitting_id).join(Exam, Exam.id == Sitting.exam_id)
            .where(Attempt.status == "submitted", Attempt.book_recorded_at.is_(None),
                   Exam.review_policy != "never"))
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    rows = session.execute(stmt.order_by(Attempt.id).limit(limit)).all()
    if not rows:
        return 0
    closes = exam_closes_at(session, {row[4] for row in rows})
    done = 0
    for attempt_id, member_id, deadline, sitting_closes, exam_id, policy in rows:
        if not timing.review_visible(policy, True, now, sitting_closes, closes.get(exam_id)):
            continue
        claimed = session.execute(
            update(Attempt).where(Attempt.id == attempt_id, Attempt.book_recorded_at.is_(None))
            .values(book_recorded_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        saved = dict(session.execute(select(Answer.question_id, Answer.response).where(
            Answer.attempt_id == attempt_id, Answer.saved_at <= deadline)).all())
        items = session.execute(select(AttemptQuestion.question_id, AttemptQuestion.question_version_id,
                                       AttemptQuestion.correct)
                                .where(AttemptQuestion.attempt_id == attempt_id)).all()
        wrong_book.record_results(session, member_id, [(q, v, bool(c), saved.get(q)) for q, v, c in items], now,
                                  source="exam")
        done += 1
        if commit is not None:
            commit()
    return done
