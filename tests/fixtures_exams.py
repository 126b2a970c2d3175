"""Factories for exam tests (reused by practice, API, results and benchmark tests).

make_question(module, qtype=..., answer=...) builds a Question with one current QuestionVersion;
make_exam(module, owner, rules=[...] | fixed=[...], **fields) a published exam; make_sitting(exam, units=...,
members=...) a sitting open around FIXED_NOW; exam_setup gives a ready bank + exam + sitting for branch A.
Keys in the fixtures use distinctive text (KEY_MARK) so tests can grep pages for leaked keys.
"""
from __future__ import annotations

import hashlib
import itertools
from datetime import datetime, timedelta, timezone

import pytest

from studyapp.models import Question, QuestionVersion
from studyapp.models.exams import Exam, ExamFixedQuestion, ExamRule, Sitting, SittingMember, SittingUnit

_seq = itertools.count(1)
#: Same instant as conftest.FIXED_NOW: sittings made here are open at it.
FIXED_NOW = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)

#: Text that appears only in explanations; it must never reach a page before review allows.
KEY_MARK = "解析密文"

DEFAULT_ANSWERS = {"single": "B", "multiple": ["A", "C"], "true_false": True, "fill_blank": [["三", "3"]]}


def choice_options(n=4):
    return [{"key": chr(65 + i), "text": f"选项{chr(65 + i)}内容"} for i in range(n)]


@pytest.fixture
def make_question(db):
    def make(module, qtype="single", answer=None, chapter=1, article=None, difficulty=2, options=None,
             key=None, stem=None, explanation=None, status="active"):
        n = next(_seq)
        answer = DEFAULT_ANSWERS[qtype] if answer is None else answer
        if options is None:
            options = choice_options() if qtype in ("single", "multiple") else []
        stem = stem or f"第{n}题题干（{qtype}）"
        explanation = explanation or f"{KEY_MARK}{n}"
        question = Question(module_id=module.id, key=key or f"q-ex-{n:05d}", status=status, source="file")
        db.session.add(question)
        db.session.flush()
        version = QuestionVersion(
            question_id=question.id, version_no=1, qtype=qtype, stem_md=stem, stem_html=f"<p>{stem}</p>",
            options=options, answer=answer, explanation_md=explanation, explanation_html=f"<p>{explanation}</p>",
            difficulty=difficulty, chapter_number=chapter, article_number=article, tags=[],
            checksum=hashlib.sha256(f"ex{n}".encode()).hexdigest(),
        )
        db.session.add(version)
        db.session.flush()
        question.current_version_id = version.id
        db.session.commit()
        return question

    return make


@pytest.fixture
def make_exam(db):
    def make(module, owner, rules=None, fixed=None, **fields):
        """rules: [dict(count=, points=, chapter_number=, qtype=, ...)]; fixed: [(question, points)]."""
        values = dict(title="条例测试", mode="fixed" if fixed else "blueprint", time_limit_minutes=30,
                      pass_percent=60, attempts_allowed=1, counting="highest", shuffle_questions=False,
                      shuffle_options=False, multiple_policy="all_or_nothing", review_policy="immediate",
                      status="published")
        values.update(fields)
        exam = Exam(owner_unit_id=owner.id, module_id=module.id, **values)
        for n, rule in enumerate(rules or [], start=1):
            exam.rules.append(ExamRule(position=n, **{"points": 1.0, **rule}))
        for n, (question, points) in enumerate(fixed or [], start=1):
            exam.fixed_questions.append(ExamFixedQuestion(position=n, question_id=question.id, points=points))
        db.session.add(exam)
        db.session.commit()
        return exam

    return make


@pytest.fixture
def make_sitting(db):
    def make(exam, units=(), members=(), opens_at=None, closes_at=None, title="第一场", **fields):
        sitting = Sitting(
            exam_id=exam.id, title=title, opens_at=opens_at or FIXED_NOW - timedelta(hours=1),
            closes_at=closes_at or FIXED_NOW + timedelta(days=1), **fields,
            units=[SittingUnit(unit_id=u.id) for u in units], members=[SittingMember(user_id=m.id) for m in members],
        )
        db.session.add(sitting)
        db.session.commit()
        return sitting

    return make


@pytest.fixture
def exam_bank(make_module, make_question):
    """A module with one question of each type (keys: single B, multiple A+C, true, fill 三/3)."""
    module = make_module(slug="exam-bank")
    questions = {qtype: make_question(module, qtype=qtype, chapter=1, article=1)
                 for qtype in ("single", "multiple", "true_false", "fill_blank")}
    return module, questions


@pytest.fixture
def exam_setup(exam_bank, make_exam, make_sitting, branch_a):
    """A published fixed exam of 4 questions (10 points each) with a sitting for branch A open at FIXED_NOW."""
    module, questions = exam_bank
    exam = make_exam(module, branch_a, fixed=[(q, 10) for q in questions.values()])
    sitting = make_sitting(exam, units=[branch_a])
    return exam, sitting, questions
