"""Factories for contest, daily practice and review tests: a bank of single-choice questions and a contest."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from studyapp.models.contests import Contest, ContestAudience

#: Every question made by `contest_bank` has this key.
KEY = "B"
#: The same moment as conftest.FIXED_NOW.
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def contest_bank(make_module, make_practice_question):
    """A published module with two chapters and 12 single-choice questions (key B), 6 per chapter."""
    module = make_module(slug="contest-regs")
    questions = [make_practice_question(module, chapter=1 + n % 2, article=1 if n % 2 == 0 else 5,
                                        stem=f"第{n + 1}题：支部委员会由几人组成？") for n in range(12)]
    return module, questions


@pytest.fixture
def make_contest(db, contest_bank, org):
    """make_contest(audience=[unit], **fields): a contest over the bank, open around FIXED_NOW by default."""

    def make(audience=None, **fields):
        module, _ = contest_bank
        values = dict(owner_unit_id=org.id, title="支部工作条例知识竞赛", module_id=module.id, chapters=[],
                      questions_per_round=3, seconds_per_question=20, latency_allowance_seconds=2,
                      opens_at=NOW - timedelta(hours=1), closes_at=NOW + timedelta(hours=2),
                      freeze_minutes=0, max_rounds_per_member=3, fast_answer_threshold_ms=1000)
        values.update(fields)
        contest = Contest(**values)
        contest.audience = [ContestAudience(unit_id=unit.id) for unit in (audience or [org])]
        db.session.add(contest)
        db.session.commit()
        return contest

    return make

