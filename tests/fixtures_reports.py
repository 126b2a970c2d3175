"""A generated cohort for results tests: members in several branches with submitted attempts, answers
and outcomes written directly as rows (the exam pages are not driven), plus a plain record of what
was generated so tests can compute every expected figure independently of the code under test.

make_cohort({branch_a: 40, branch_b: 25}, seed=7) -> Cohort. Five questions of 20 points (max 100,
pass 60): single (key B, art. 1), multiple (A+C, art. 2), true/false (true, art. 5), fill-in (三, art. 6),
single (key B, art. 1). About 1 member in 6 never starts, 1 in 20 is still answering, 1 in 5 has
a second attempt (attempts_allowed 2, counting highest).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD_HASH
from fixtures_exams import FIXED_NOW
from studyapp.domain import grading, scoring
from studyapp.models import User
from studyapp.models.exams import Answer, Attempt, AttemptQuestion

SPECS = [("single", "B", 1, 1), ("multiple", ["A", "C"], 1, 2), ("true_false", True, 2, 5),
         ("fill_blank", [["三", "3"]], 2, 6), ("single", "B", 1, 1)]
WRONG = {"single": ["A", "C", "D", None], "multiple": [["A"], ["B", "D"], ["A", "B", "C"], None],
         "true_false": [False, None], "fill_blank": [["五"], None]}
RIGHT = {"single": "B", "multiple": ["A", "C"], "true_false": True, "fill_blank": ["三"]}
POINTS = 20.0


@dataclass
class Record:
    """What the factory made for one member."""

    user: User
    unit_id: int
    attempts: list[dict] = field(default_factory=list)  # {"id", "number", "status", "score", "passed", ...}

    @property
    def submitted(self) -> list[dict]:
        return [a for a in self.attempts if a["status"] == "submitted"]

    @property
    def counted(self) -> dict | None:
        done = self.submitted
        return max(done, key=lambda a: (a["score"], -a["number"])) if done else None

    @property
    def first(self) -> dict | None:
        done = self.submitted
        return min(done, key=lambda a: a["number"]) if done else None


@dataclass
class Cohort:
    module: object
    exam: object
    sitting: object
    questions: list
    records: list[Record]

    def in_unit(self, unit) -> list[Record]:
        return [r for r in self.records if r.unit_id == unit.id]


@pytest.fixture
def make_cohort(db, make_module, make_question, make_exam, make_sitting):
    def make(branches: dict, seed: int = 7, names: dict | None = None, owner=None, phones: bool = True) -> Cohort:
        rng = random.Random(seed)
        module = make_module(slug=f"cohort-{seed}")
        questions = [make_question(module, qtype=qtype, answer=key, chapter=chapter, article=article)
                     for qtype, key, chapter, article in SPECS]
        units = list(branches)
        exam = make_exam(module, owner or units[0], fixed=[(q, POINTS) for q in questions], attempts_allowed=2,
                         counting="highest", pass_percent=60)
        sitting = make_sitting(exam, units=units)
        records = []
        n = 0
        for unit, count in branches.items():
            for _ in range(count):
                n += 1
                name = (names or {}).get(n, f"成员{seed}-{n}")
                user = User(username=f"c{seed}-{n:04d}", name=name, unit_id=unit.id, role="member",
                            password_hash=PASSWORD_HASH, phone=f"1380000{n:04d}" if phones else None)
                db.session.add(user)
                records.append(Record(user, unit.id))
        db.session.flush()
        pending_answers = []
        for record in records:
            roll = rng.random()
            if roll < 0.16:
                continue  # never started
            ability = rng.uniform(0.2, 0.95)
            tries = 2 if rng.random() < 0.2 else 1
            for number in range(1, tries + 1):
                in_progress = roll < 0.21 and number == tries
                attempt, answers = _attempt(rng, sitting, exam, record, questions, number, ability, in_progress)
                db.session.add(attempt)
                pending_answers.append((attempt, answers))
        db.session.flush()
        for attempt, answers in pending_answers:
            for question_id, response in answers:
                db.session.add(Answer(attempt_id=attempt.id, question_id=question_id, response=response,
                                      client_seq=1, saved_at=attempt.started_at + timedelta(minutes=1)))
            record = next(r for r in records if r.user.id == attempt.user_id)
            record.attempts.append({"id": attempt.id, "number": attempt.number, "status": attempt.status,
                                    "score": attempt.score, "passed": attempt.passed,
                                    "time": attempt.time_used_seconds,
                                    "items": {aq.question_id: aq.correct for aq in attempt.questions},
                                    "answers": dict(answers)})
        db.session.commit()
        return Cohort(module, exam, sitting, questions, records)

    return make


def _attempt(rng, sitting, exam, record, questions, number, ability, in_progress):
    started = FIXED_NOW - timedelta(minutes=50 - number * 20)
    attempt = Attempt(sitting_id=sitting.id, user_id=record.user.id, number=number, status="in_progress",
                      seed=rng.randrange(10**9), started_at=started, deadline=started + timedelta(minutes=30),
                      max_score=POINTS * len(questions))
    answers, awarded = [], []
    for position, (question, (qtype, key, _c, _a)) in enumerate(zip(questions, SPECS), start=1):
        response = RIGHT[qtype] if rng.random() < ability else rng.choice(WRONG[qtype])
        version = question.current
        outcome = grading.grade(qtype, version.answer, response, POINTS)
        item = AttemptQuestion(position=position, question_id=question.id, question_version_id=version.id,
                               points=POINTS, option_order=[o["key"] for o in version.options or []])
        if not in_progress:
            item.awarded, item.correct = outcome.awarded, outcome.correct
        attempt.questions.append(item)
        if response is not None:
            answers.append((question.id, response))
        awarded.append(outcome.awarded)
    if not in_progress:
        attempt.status = "submitted"
        attempt.score = scoring.total(awarded)
        attempt.passed = scoring.passed(attempt.score, attempt.max_score, exam.pass_percent)
        attempt.time_used_seconds = rng.randrange(120, 1800)
        attempt.submitted_at = started + timedelta(seconds=attempt.time_used_seconds)
        attempt.finalized_by = "member"
    return attempt, answers
