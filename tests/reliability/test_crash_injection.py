"""A crash between grading and marking the attempt submitted leaves nothing partial; the retry grades once."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studyapp.database import intending_to_write
from studyapp.models import User
from studyapp.models.exams import Attempt, AttemptQuestion
from studyapp.models.practice import WrongAnswer
from studyapp.services import exams as svc
from studyapp.services.exams import finalize
from tests.conftest import FIXED_NOW


class Crash(Exception):
    pass


def test_crash_inside_the_submit_transaction_leaves_no_partial_score(db, monkeypatch, exam_setup, member_a):
    _, sitting, q = exam_setup
    attempt, _ = svc.start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
    svc.save_answer(db.session, member_a, attempt.id, q["single"].id, "B", 1, FIXED_NOW)
    svc.save_answer(db.session, member_a, attempt.id, q["true_false"].id, False, 2, FIXED_NOW)  # wrong
    db.session.commit()
    attempt_id, user_id = attempt.id, member_a.id

    def crash(*_args, **_kwargs):  # runs after the status UPDATE and the per-question marks
        raise Crash("power cut")

    monkeypatch.setattr(finalize.wrong_book, "record_results", crash)
    with intending_to_write(), pytest.raises(Crash):
        svc.submit_attempt(db.session, db.session.get(User, user_id), attempt_id, FIXED_NOW)
    db.session.rollback()  # what a dying request does
    row = db.session.get(Attempt, attempt_id)
    assert (row.status, row.score, row.submitted_at) == ("in_progress", None, None)
    assert set(db.session.scalars(select(AttemptQuestion.awarded).where(AttemptQuestion.attempt_id == attempt_id))) == {None}
    assert db.session.scalar(select(func.count()).select_from(WrongAnswer)) == 0

    monkeypatch.undo()
    with intending_to_write():
        first = svc.submit_attempt(db.session, db.session.get(User, user_id), attempt_id, FIXED_NOW)
        db.session.commit()
        second = svc.submit_attempt(db.session, db.session.get(User, user_id), attempt_id, FIXED_NOW)
        db.session.commit()
    assert first.score == second.score == 10
    assert db.session.scalar(select(func.count()).select_from(WrongAnswer)) == 3
    # Recorded once: the wrong answer counts 1, the two left blank enter the book without counting as 答错.
    assert sorted(db.session.scalars(select(WrongAnswer.wrong_count))) == [0, 0, 1]
