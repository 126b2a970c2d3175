"""The fill-in rule (domain/fill_in.py) is the one practice, contests and regrades grade with, stem included."""
from __future__ import annotations

import random
from datetime import timedelta

from fixtures_contests import NOW
from studyapp.services import contests, practice
from studyapp.services import exams as svc
from studyapp.services.reports import regrade

MONTHLY = "党支部委员会会议一般每___召开1次，根据需要可以随时召开。"
MEMBERS = "有正式党员___人以上的基层单位，都应当成立党支部。"


def test_practice_accepts_a_word_the_stem_already_has(db, member_a, make_module, make_practice_question):
    module = make_module()
    question = make_practice_question(module, "fill_blank", answer=[["月", "个月"]], stem=MONTHLY)
    assert practice.answer(db.session, member_a, question.id, ["每月"], NOW).answer.correct
    assert not practice.answer(db.session, member_a, question.id, ["每季度"], NOW).answer.correct


def test_contest_accepts_a_number_with_the_unit_the_stem_repeats(db, member_a, make_module,
                                                                 make_practice_question, make_contest):
    module = make_module(slug="fill-contest")
    make_practice_question(module, "fill_blank", answer=[["3", "三"]], stem=MEMBERS)
    contest = make_contest(module_id=module.id, questions_per_round=1)
    round_, _ = contests.start_round(db.session, member_a, contest.id, NOW, random.Random(1))
    contests.state(db.session, member_a, round_.id, NOW)
    outcome = contests.answer(db.session, member_a, round_.id, 1, ["三人"], NOW + timedelta(seconds=5))
    assert outcome.accepted and outcome.correct


def test_regrade_after_a_key_correction_marks_blanks_the_same_way(db, admin, member_a, branch_a, make_module,
                                                                  make_question, make_exam, make_sitting):
    module = make_module(slug="fill-regrade")
    question = make_question(module, qtype="fill_blank", answer=[["5", "五"]], stem=MEMBERS)
    exam = make_exam(module, branch_a, fixed=[(question, 10)])
    attempt, _ = svc.start_attempt(db.session, member_a, make_sitting(exam, units=[branch_a]).id, NOW)
    svc.save_answer(db.session, member_a, attempt.id, question.id, ["三人"], 1, NOW)
    assert svc.submit_attempt(db.session, member_a, attempt.id, NOW + timedelta(minutes=1)).score == 0
    db.session.commit()
    assert regrade.correct_key(db.session, admin, exam, question.id, "3 | 三", NOW) in ("edited", "versioned")
    result = regrade.regrade_exam(db.session, admin, exam, NOW + timedelta(minutes=2))
    db.session.commit()
    assert [(c.old_score, c.new_score) for c in result.changes] == [(0, 10)]
