"""flask finalize-overdue: grades overdue attempts with their saved answers; running it again does nothing."""
from __future__ import annotations

from datetime import timedelta

from studyapp.models.exams import Attempt
from studyapp.services import exams as svc
from tests.conftest import FIXED_NOW


def test_finalize_overdue_command(app, db, runner, exam_setup, member_a, make_user, branch_a):
    _, sitting, q = exam_setup
    late_one, _ = svc.start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
    svc.save_answer(db.session, member_a, late_one.id, q["multiple"].id, ["A", "C"], 1, FIXED_NOW)
    other = make_user(branch_a)
    fresh, _ = svc.start_attempt(db.session, other, sitting.id, FIXED_NOW + timedelta(minutes=20))
    db.session.commit()
    ids = late_one.id, fresh.id
    app.config["CLOCK"] = lambda: FIXED_NOW + timedelta(minutes=40)
    result = runner.invoke(args=["finalize-overdue"])
    assert result.exit_code == 0 and "1 份" in result.output
    db.session.rollback()
    done, waiting = (db.session.get(Attempt, i) for i in ids)
    assert (done.status, done.finalized_by, done.score, done.time_used_seconds) == ("submitted", "deadline", 10, 1800)
    assert waiting.status == "in_progress"
    assert "0 份" in runner.invoke(args=["finalize-overdue"]).output
