"""Attempt lifecycle through the services: start, save, submit, grade, deadline, exactly once."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from studyapp.models import User
from studyapp.models.exams import Answer, Attempt, AttemptQuestion
from studyapp.models.practice import WrongAnswer
from studyapp.services import exams as svc
from studyapp.services.errors import Conflict, Invalid, NotFound
from studyapp.services.exams.definitions import draw_paper
from tests.conftest import FIXED_NOW

NOW = FIXED_NOW


def start(db, user, sitting, now=NOW):
    attempt, created = svc.start_attempt(db.session, user, sitting.id, now)
    db.session.commit()
    return attempt, created


def save(db, user, attempt, question, answer, seq, now=NOW):
    result = svc.save_answer(db.session, user, attempt.id, question.id, answer, seq, now)
    db.session.commit()
    return result


def submit(db, user, attempt, now=NOW):
    result = svc.submit_attempt(db.session, user, attempt.id, now)
    db.session.commit()
    return result


def test_start_draws_paper_once_and_resume_returns_same_attempt(db, exam_setup, member_a):
    exam, sitting, questions = exam_setup
    attempt, created = start(db, member_a, sitting)
    assert created and attempt.number == 1 and attempt.max_score == 40
    assert attempt.deadline == NOW + timedelta(minutes=30)
    again, created_again = start(db, member_a, sitting, NOW + timedelta(minutes=5))
    assert again.id == attempt.id and not created_again
    views, saved = svc.paper_view(db.session, attempt)
    assert [v.question_id for v in views] == [q.id for q in questions.values()]
    assert saved == {}
    fill = next(v for v in views if v.qtype == "fill_blank")
    assert fill.blanks == 1 and fill.options == []


def test_seed_reproduces_the_drawn_paper(db, make_module, make_question, make_exam, make_sitting, branch_a, member_a):
    module = make_module(slug="seeded")
    for n in range(12):
        make_question(module, qtype="single" if n % 2 else "true_false", chapter=1 + n % 3)
    exam = make_exam(module, branch_a, rules=[dict(count=3, points=2, chapter_number=1), dict(count=4, points=1)],
                     shuffle_questions=True, shuffle_options=True)
    attempt, _ = start(db, member_a, make_sitting(exam, units=[branch_a]))
    paper = draw_paper(db.session, exam, random.Random(attempt.seed))
    rows = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
                              .order_by(AttemptQuestion.position)).all()
    assert [(r.question_id, tuple(r.option_order), r.points) for r in rows] == [
        (i.question_id, i.option_order, i.points) for i in paper.items
    ]
    assert attempt.max_score == 10


def test_a_draw_after_an_unseen_version_is_edited_uses_its_new_options(db, exam_bank, make_exam, branch_a):
    # Drawing remembers option keys by version and content checksum; an edit in place (allowed while no
    # one has seen the version) changes the checksum, so the next draw must see the new options.
    module, questions = exam_bank
    exam = make_exam(module, branch_a, rules=[dict(count=1, points=1, qtype="single")], shuffle_options=True)
    assert sorted(draw_paper(db.session, exam, random.Random(1)).items[0].option_order) == ["A", "B", "C", "D"]
    version = questions["single"].current
    version.options = [{"key": k, "text": f"新{k}"} for k in ("A", "B", "C", "D", "E")]
    version.checksum = "edited-in-place"
    db.session.commit()
    drawn = draw_paper(db.session, exam, random.Random(1)).items[0].option_order
    assert sorted(drawn) == ["A", "B", "C", "D", "E"]


@pytest.mark.parametrize("policy, qtype, answer, awarded, correct", [
    ("all_or_nothing", "single", "B", 10, True),
    ("all_or_nothing", "single", "A", 0, False),
    ("all_or_nothing", "multiple", ["C", "A"], 10, True),
    ("all_or_nothing", "multiple", ["A"], 0, False),
    ("partial", "multiple", ["A"], 5, False),
    ("partial", "multiple", ["A", "B"], 0, False),
    ("all_or_nothing", "true_false", True, 10, True),
    ("all_or_nothing", "true_false", False, 0, False),
    ("all_or_nothing", "fill_blank", ["３"], 10, True),
    ("all_or_nothing", "fill_blank", ["四"], 0, False),
    ("all_or_nothing", "single", None, 0, False),
])
def test_each_grading_path_via_submit(db, exam_bank, make_exam, make_sitting, branch_a, member_a,
                                      policy, qtype, answer, awarded, correct):
    module, questions = exam_bank
    question = questions[qtype]
    exam = make_exam(module, branch_a, fixed=[(question, 10)], multiple_policy=policy, pass_percent=50)
    attempt, _ = start(db, member_a, make_sitting(exam, units=[branch_a]))
    if answer is not None:
        assert save(db, member_a, attempt, question, answer, 1).stored
    result = submit(db, member_a, attempt, NOW + timedelta(minutes=3))
    assert (result.score, result.max_score, result.passed) == (awarded, 10, awarded >= 5)
    assert result.finalized_by == "member" and result.submitted_at == NOW + timedelta(minutes=3)
    row = db.session.scalar(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id))
    assert (row.awarded, row.correct) == (awarded, correct)
    missed = db.session.scalar(select(WrongAnswer).where(WrongAnswer.user_id == member_a.id))
    assert (missed is None) == correct


def test_save_is_conditional_on_client_seq(db, exam_setup, member_a):
    _, sitting, q = exam_setup
    attempt, _ = start(db, member_a, sitting)
    assert save(db, member_a, attempt, q["single"], "A", 5).stored
    stale = save(db, member_a, attempt, q["single"], "C", 4)
    assert not stale.stored and stale.client_seq == 5
    retried = save(db, member_a, attempt, q["single"], "A", 5)
    assert not retried.stored and retried.client_seq == 5
    assert save(db, member_a, attempt, q["single"], "B", 6).stored
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert svc.paper_view(db.session, attempt)[1] == {q["single"].id: "B"}
    assert submit(db, member_a, attempt).score == 10


def test_bad_saves_refused(db, exam_setup, member_a, member_b, make_question):
    exam, sitting, q = exam_setup
    attempt, _ = start(db, member_a, sitting)
    with pytest.raises(Invalid):
        svc.save_answer(db.session, member_a, attempt.id, q["single"].id, ["B"], 1, NOW)
    with pytest.raises(Invalid):
        svc.save_answer(db.session, member_a, attempt.id, q["fill_blank"].id, ["a", "b"], 1, NOW)
    with pytest.raises(Invalid):
        svc.save_answer(db.session, member_a, attempt.id, q["single"].id, "B", "1", NOW)
    other = make_question(exam.module)
    with pytest.raises(NotFound):
        svc.save_answer(db.session, member_a, attempt.id, other.id, "B", 1, NOW)
    with pytest.raises(NotFound):
        svc.save_answer(db.session, member_b, attempt.id, q["single"].id, "B", 1, NOW)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_late_save_refused_and_attempt_finalized_with_saved_answers(db, exam_setup, member_a):
    _, sitting, q = exam_setup
    attempt, _ = start(db, member_a, sitting)
    save(db, member_a, attempt, q["single"], "B", 1, NOW + timedelta(minutes=29))
    save(db, member_a, attempt, q["true_false"], True, 2, NOW + timedelta(minutes=30))  # at the deadline: kept
    with pytest.raises(Conflict, match="考试已结束"):
        svc.save_answer(db.session, member_a, attempt.id, q["multiple"].id, ["A", "C"], 3,
                        NOW + timedelta(minutes=30, seconds=1))
    db.session.commit()  # the refusal finalized the overdue attempt: keep that
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    assert (done.status, done.finalized_by, done.score) == ("submitted", "deadline", 20)
    assert done.submitted_at == done.deadline and done.time_used_seconds == 1800
    with pytest.raises(Conflict, match="已交卷"):
        svc.save_answer(db.session, member_a, attempt.id, q["single"].id, "A", 9, NOW)


def test_deadline_capped_by_sitting_close(db, exam_bank, make_exam, make_sitting, branch_a, member_a):
    module, q = exam_bank
    exam = make_exam(module, branch_a, fixed=[(q["single"], 1)])
    sitting = make_sitting(exam, units=[branch_a], closes_at=NOW + timedelta(minutes=10))
    attempt, _ = start(db, member_a, sitting)
    assert attempt.deadline == NOW + timedelta(minutes=10)
    with pytest.raises(Conflict, match="已结束"):
        svc.start_attempt(db.session, member_a, sitting.id, NOW + timedelta(minutes=11))


def test_overdue_finalized_by_next_touch(db, exam_setup, member_a):
    exam, sitting, q = exam_setup
    exam.attempts_allowed = 2
    db.session.commit()
    first, _ = start(db, member_a, sitting)
    save(db, member_a, first, q["fill_blank"], ["三"], 1)
    second, created = start(db, member_a, sitting, NOW + timedelta(hours=1))
    assert created and second.number == 2
    db.session.expire_all()
    old = db.session.get(Attempt, first.id)
    assert (old.status, old.finalized_by, old.score) == ("submitted", "deadline", 10)


def test_finalize_overdue_keeps_saved_answers_and_skips_poisoned(db, exam_setup, make_user, branch_a):
    _, sitting, q = exam_setup
    people = [make_user(branch_a) for _ in range(3)]
    attempts = [start(db, p, sitting)[0] for p in people]
    for person, attempt in zip(people, attempts):
        save(db, person, attempt, q["single"], "B", 1)
    # Poison the first attempt: it answered a question whose key the grader then cannot read.
    save(db, people[0], attempts[0], q["fill_blank"], ["三"], 2)
    bad = db.session.scalar(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempts[0].id,
                                                          AttemptQuestion.question_id == q["fill_blank"].id))
    assert svc.finalize_overdue(db.session, NOW + timedelta(minutes=10)) == 0  # none overdue yet
    bad.version.answer = 5
    db.session.commit()
    count = svc.finalize_overdue(db.session, NOW + timedelta(minutes=31), commit=db.session.commit)
    db.session.commit()
    assert count == 2
    db.session.expire_all()
    states = [(a.status, a.score) for a in (db.session.get(Attempt, x.id) for x in attempts)]
    assert states == [("in_progress", None), ("submitted", 10), ("submitted", 10)]
    assert svc.finalize_overdue(db.session, NOW + timedelta(minutes=32)) == 0


def test_double_submit_graded_once(db, exam_setup, member_a):
    _, sitting, q = exam_setup
    attempt, _ = start(db, member_a, sitting)
    save(db, member_a, attempt, q["single"], "A", 1)
    save(db, member_a, attempt, q["true_false"], False, 2)
    first = submit(db, member_a, attempt, NOW + timedelta(minutes=5))
    again = submit(db, member_a, attempt, NOW + timedelta(minutes=9))
    assert first == again and first.score == 0
    counts = db.session.scalars(select(WrongAnswer.wrong_count).where(WrongAnswer.user_id == member_a.id)).all()
    assert sorted(counts) == [0, 0, 1, 1]  # two wrong answers counted once each; two blanks are in, not 答错


def test_attempts_allowed_and_audience(db, exam_setup, member_a, member_b):
    _, sitting, _ = exam_setup
    attempt, _ = start(db, member_a, sitting)
    submit(db, member_a, attempt)
    with pytest.raises(Conflict, match="次数已用完"):
        svc.start_attempt(db.session, member_a, sitting.id, NOW)
    with pytest.raises(NotFound):
        svc.start_attempt(db.session, member_b, sitting.id, NOW)
    with pytest.raises(NotFound):
        svc.attempt_for_member(db.session, member_b, attempt.id)
    assert svc.open_sittings_for(db.session, member_b, NOW) == []
    offers = svc.open_sittings_for(db.session, member_a, NOW)
    assert [(o.sitting.id, o.attempts_left) for o in offers] == [(sitting.id, 0)]


def test_listed_member_and_parent_unit_audience(db, exam_setup, make_sitting, member_b, org, make_user, branch_a):
    exam, _, _ = exam_setup
    listed = make_sitting(exam, members=[member_b], title="点名场")
    whole = make_sitting(exam, units=[org], title="全委场")
    assert {o.sitting.id for o in svc.open_sittings_for(db.session, member_b, NOW)} == {listed.id, whole.id}
    assert {o.sitting.id for o in svc.open_sittings_for(db.session, member_b, NOW + timedelta(days=2))} == set()


def test_result_hides_review_until_policy_allows(db, exam_setup, member_a):
    exam, sitting, q = exam_setup
    exam.review_policy = "after_close"
    db.session.commit()
    attempt, _ = start(db, member_a, sitting)
    view = svc.attempt_result(db.session, member_a, attempt, NOW)
    assert view.status == "in_progress" and not view.review_visible and view.items == []
    submit(db, member_a, attempt)
    view = svc.attempt_result(db.session, member_a, attempt, NOW)
    assert view.status == "submitted" and view.items == [] and view.counts
    view = svc.attempt_result(db.session, member_a, attempt, sitting.closes_at)
    assert view.review_visible and len(view.items) == 4 and view.items[0].key == "B"


def test_records_pick_counting_attempt(db, exam_setup, member_a):
    exam, sitting, q = exam_setup
    exam.attempts_allowed, exam.counting = 3, "highest"
    db.session.commit()
    scores = []
    for answer in ("B", "A"):
        attempt, _ = start(db, member_a, sitting)
        save(db, member_a, attempt, q["single"], answer, 1)
        scores.append((attempt.id, submit(db, member_a, attempt).score))
    [record] = svc.my_records(db.session, member_a)
    assert record.counting_id == scores[0][0] and len(record.attempts) == 2
    exam.counting = "last"
    db.session.commit()
    assert svc.my_records(db.session, member_a)[0].counting_id == scores[1][0]
