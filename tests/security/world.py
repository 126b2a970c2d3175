"""One world with objects of two branches, for the access matrix and the bad-input suites.

Branch A and branch B each get: a browser module published to the branch only (chapter 1 with a
saved version), four questions in it, a published exam with a sitting for the branch, a submitted
attempt of the branch's member, a contest with a played round, a group-study session, a wrong-book
entry. World.obj("A"/"B", kind) gives the object a URL parameter of that kind should point at.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from studyapp.database import intending_to_write
from studyapp.models import Chapter, ChapterVersion, PracticeAnswer, WrongAnswer
from studyapp.models.contests import Contest, ContestAudience
from studyapp.services.contests.rounds import start_round
from studyapp.services.exams.attempts import start_attempt, submit_attempt
from tests.assessment_world import build_for_world
from tests.conftest import FIXED_NOW


@dataclass
class Side:
    """Everything of one branch."""

    unit: object
    member: object
    organizer: object
    module: object = None
    chapter: object = None
    version: object = None
    questions: list = field(default_factory=list)
    exam: object = None
    sitting: object = None
    attempt: object = None
    contest: object = None
    round: object = None
    study: object = None
    practice_answer: object = None
    activity: object = None
    attachment: object = None
    assessment: object = None  # branch assessment: round, scheme, problem, 示范点 (tests/assessment_world.py)
    scheme: object = None
    problem: object = None
    site: object = None
    evidence: object = None  # a self-assessment evidence file of the branch


@dataclass
class World:
    sides: dict
    admin: object
    org: object

    def obj(self, branch: str, kind: str):
        side = self.sides[branch]
        return {
            "user": side.member, "unit": side.unit, "module": side.module, "chapter": side.chapter,
            "version": side.version, "question": side.questions[0], "exam": side.exam, "sitting": side.sitting,
            "attempt": side.attempt, "contest": side.contest, "round": side.round, "session": side.study,
            "practice_answer": side.practice_answer, "activity": side.activity, "attachment": side.attachment,
            "assessment": side.assessment, "scheme": side.scheme, "problem": side.problem, "site": side.site,
            "evidence": side.evidence,
        }[kind]


def build_world(db, *, org, branch_a, branch_b, member_a, member_b, organizer_a, organizer_b, admin,
                make_web_module, make_question, make_exam, make_sitting, make_study_session, make_module,
                make_practice_question, module_title=None) -> World:
    sides = {"A": Side(branch_a, member_a, organizer_a), "B": Side(branch_b, member_b, organizer_b)}
    bank = make_module(slug="contest-world")
    pool = [make_practice_question(bank, chapter=1 + n % 2) for n in range(6)]
    for name, side in sides.items():
        side.module = make_web_module(side.organizer, title=module_title or f"学习专题{name}", publish_to=[side.unit])
        side.chapter = db.session.query(Chapter).filter_by(module_id=side.module.id).one()
        side.version = db.session.query(ChapterVersion).filter_by(chapter_id=side.chapter.id).first()
        side.questions = [make_question(side.module, qtype=q) for q in ("single", "multiple", "true_false",
                                                                        "fill_blank")]
        side.exam = make_exam(side.module, side.unit, fixed=[(q, 25) for q in side.questions],
                              title=f"条例测试{name}", attempts_allowed=3)
        side.sitting = make_sitting(side.exam, units=[side.unit], title=f"第一场{name}")
        side.study = make_study_session(side.organizer, [side.unit], title=f"集中学习{name}")
        contest = Contest(owner_unit_id=side.unit.id, title=f"知识竞赛{name}", module_id=bank.id, chapters=[],
                          questions_per_round=3, seconds_per_question=20, latency_allowance_seconds=2,
                          opens_at=FIXED_NOW.replace(hour=7), closes_at=FIXED_NOW.replace(hour=10),
                          freeze_minutes=0, max_rounds_per_member=3, fast_answer_threshold_ms=1000)
        contest.audience = [ContestAudience(unit_id=side.unit.id)]
        db.session.add(contest)
        db.session.commit()
        side.contest = contest
    db.session.rollback()
    with intending_to_write():
        for side in sides.values():
            attempt, _ = start_attempt(db.session, side.member, side.sitting.id, FIXED_NOW)
            submit_attempt(db.session, side.member, attempt.id, FIXED_NOW)
            side.attempt = attempt
            side.round, _ = start_round(db.session, side.member, side.contest.id, FIXED_NOW, random.Random(3))
            db.session.add(WrongAnswer(user_id=side.member.id, question_id=pool[0].id,
                                       last_version_id=pool[0].current_version_id, last_response="A",
                                       wrong_count=1, last_wrong_at=FIXED_NOW, last_source="practice"))
            side.practice_answer = PracticeAnswer(user_id=side.member.id, question_id=pool[0].id,
                                                  question_version_id=pool[0].current_version_id, response="A",
                                                  correct=False, answered_at=FIXED_NOW)
            db.session.add(side.practice_answer)
        db.session.commit()
        for side in sides.values():
            side.activity, side.attachment = _ledger_record(db, side)
    with intending_to_write():
        build_for_world(db, admin, sides)
    return World(sides, admin, org)


def _ledger_record(db, side):
    """A held 支委会 with the member present, its minutes published, and a scanned sign-in sheet."""
    from datetime import timedelta

    from flask import current_app

    from studyapp.services.ledger import activities, attachments
    from studyapp.services.scope import managed_unit_ids
    from tests.fixtures_ledger import SH

    data = activities.ActivityInput(kind="committee", status="done", starts_at=FIXED_NOW - timedelta(days=2),
                                    ends_at=FIXED_NOW - timedelta(days=2, hours=-1), topic=f"支委会{side.unit.id}",
                                    minutes_public=True, attendance={side.member.id: ("present", "")})
    activity = activities.save_activity(db.session, side.organizer, managed_unit_ids(db.session, side.organizer),
                                        side.unit.id, None, data, FIXED_NOW, SH)
    [attachment] = attachments.add_attachments(
        db.session, side.organizer, activity, [("签到表.png", b"\x89PNG\r\n\x1a\n0000")],
        attachments.storage(current_app.config["LEDGER_ATTACHMENTS_DIR"]), FIXED_NOW)
    db.session.commit()
    return activity, attachment
