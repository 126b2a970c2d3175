"""Races: many requests at once on one attempt. Each thread has its own app context and session,
as concurrent server requests do; on SQLite writers take BEGIN IMMEDIATE, on PostgreSQL row locks."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from studyapp.database import intending_to_write
from studyapp.models import User
from studyapp.models.exams import Attempt, AttemptQuestion
from studyapp.models.practice import WrongAnswer
from studyapp.services import exams as svc
from tests.conftest import FIXED_NOW

THREADS = 20


def run_concurrently(app, db, work):
    """Run work(session) in THREADS threads released together; returns results and errors."""
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                with intending_to_write():
                    results.append(work(db.session))
                    db.session.commit()
            except Exception as exc:  # collected and asserted on below
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_concurrent_submits_grade_once(app, db, exam_setup, member_a):
    _, sitting, q = exam_setup
    attempt, _ = svc.start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
    svc.save_answer(db.session, member_a, attempt.id, q["single"].id, "B", 1, FIXED_NOW)
    svc.save_answer(db.session, member_a, attempt.id, q["true_false"].id, False, 2, FIXED_NOW)  # wrong
    db.session.commit()
    attempt_id, user_id = attempt.id, member_a.id
    db.session.remove()

    def submit(session):
        result = svc.submit_attempt(session, session.get(User, user_id), attempt_id, FIXED_NOW + timedelta(minutes=5))
        return (result.score, result.submitted_at, result.finalized_by)

    results, errors = run_concurrently(app, db, submit)
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert results[0][0] == 10
    row = db.session.get(Attempt, attempt_id)
    assert row.status == "submitted" and row.score == 10
    assert db.session.scalar(select(func.count()).select_from(WrongAnswer)) == 3  # one per missed question
    assert sorted(db.session.scalars(select(WrongAnswer.wrong_count))) == [0, 0, 1]  # blanks are not 答错
    awarded = db.session.scalars(select(AttemptQuestion.awarded).where(AttemptQuestion.attempt_id == attempt_id))
    assert sorted(awarded) == [0, 0, 0, 10]


def test_concurrent_starts_make_one_attempt(app, db, exam_setup, member_a):
    _, sitting, _ = exam_setup
    sitting_id, user_id = sitting.id, member_a.id
    db.session.remove()

    def start(session):
        attempt, created = svc.start_attempt(session, session.get(User, user_id), sitting_id, FIXED_NOW)
        return attempt.id, created

    results, errors = run_concurrently(app, db, start)
    assert errors == []
    assert len({attempt_id for attempt_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_finalize_twice_at_once_plus_member_submit(app, db, exam_setup, member_a):
    _, sitting, q = exam_setup
    attempt, _ = svc.start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
    svc.save_answer(db.session, member_a, attempt.id, q["true_false"].id, True, 1, FIXED_NOW)
    svc.save_answer(db.session, member_a, attempt.id, q["single"].id, "A", 2, FIXED_NOW)  # wrong
    db.session.commit()
    attempt_id, user_id = attempt.id, member_a.id
    late = FIXED_NOW + timedelta(hours=1)
    db.session.remove()
    turn = iter(range(THREADS))
    lock = threading.Lock()

    def either(session):
        with lock:
            n = next(turn)
        if n % 2:
            return ("cron", svc.finalize_overdue(session, late))
        return ("member", svc.submit_attempt(session, session.get(User, user_id), attempt_id, late).score)

    results, errors = run_concurrently(app, db, either)
    assert errors == []
    assert sum(count for kind, count in results if kind == "cron") <= 1
    assert {score for kind, score in results if kind == "member"} == {10}
    row = db.session.get(Attempt, attempt_id)
    assert (row.status, row.finalized_by, row.score) == ("submitted", "deadline", 10)
    assert sorted(db.session.scalars(select(WrongAnswer.wrong_count))) == [0, 0, 1]  # graded once; blanks not 答错


def test_one_in_progress_enforced_by_the_database(db, exam_setup, member_a):
    import pytest
    from sqlalchemy.exc import IntegrityError

    _, sitting, _ = exam_setup
    attempt, _ = svc.start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
    db.session.commit()
    db.session.add(Attempt(sitting_id=sitting.id, user_id=member_a.id, number=2, seed=1, started_at=FIXED_NOW,
                           deadline=FIXED_NOW + timedelta(minutes=30), max_score=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(IntegrityError):  # a score without submission is refused too
        db.session.get(Attempt, attempt.id).score = 5
        db.session.commit()
    db.session.rollback()
