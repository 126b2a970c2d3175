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


def test_demo_exam_is_idempotent_and_skips_empty_bank(db, make_module, make_question, make_unit):
    from studyapp.models.exams import Exam, Sitting
    from studyapp.services.exams.demo_exam import chapter_shares, seed_exam
    from sqlalchemy import func, select

    org = make_unit("示范机关党委", kind="organization")
    for name in ("第一党支部", "第二党支部"):
        make_unit(name, parent=org)
    module = make_module(slug="branch-regulations")
    assert "题库为空" in seed_exam(db.session, org.name, FIXED_NOW)
    for n in range(30):
        make_question(module, chapter=1 + n % 3)
    assert "已创建" in seed_exam(db.session, org.name, FIXED_NOW)
    assert "未做更改" in seed_exam(db.session, org.name, FIXED_NOW)
    db.session.commit()
    exam = db.session.scalar(select(Exam))
    assert sum(r.count for r in exam.rules) == 30 and exam.time_limit_minutes == 30
    sitting = db.session.scalar(select(Sitting))
    assert len(sitting.units) == 2 and sitting.closes_at - sitting.opens_at == timedelta(days=30)
    assert db.session.scalar(select(func.count()).select_from(Sitting)) == 1
    assert chapter_shares({1: 44, 2: 45, 3: 14, 4: 43, 5: 36, 6: 38, 7: 18, 8: 6}, 50) == {
        1: 9, 2: 9, 3: 3, 4: 9, 5: 7, 6: 8, 7: 4, 8: 1}
