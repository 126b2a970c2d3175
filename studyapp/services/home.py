"""The member's home page at a glance: each area contributes one block; an area with no data gives an empty block."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import daily_rules
from ..models import User
from ..models.contests import Contest, ContestRound
from ..models.exams import Attempt, Exam, Sitting
from . import contests, daily, review, study
from .exams import open_sittings_for

RECENT = 3


@dataclass(frozen=True)
class Score:
    kind: str  # "exam" or "contest"
    title: str
    score: float
    out_of: float
    at: datetime
    passed: bool | None = None


@dataclass(frozen=True)
class Home:
    modules: list[study.ModuleProgress]
    sittings: list
    contests: list[Contest]
    daily: daily.DailyStatus
    reviews_due: int
    scores: list[Score]


def recent_scores(session: Session, user: User) -> list[Score]:
    exams = session.execute(
        select(Attempt, Exam.title).join(Sitting, Sitting.id == Attempt.sitting_id).join(Exam, Exam.id == Sitting.exam_id)
        .where(Attempt.user_id == user.id, Attempt.status == "submitted")
        .order_by(Attempt.submitted_at.desc()).limit(RECENT)).all()
    rounds = session.execute(
        select(ContestRound, Contest.title, Contest.questions_per_round).join(Contest, Contest.id == ContestRound.contest_id)
        .where(ContestRound.user_id == user.id, ContestRound.status == "finished")
        .order_by(ContestRound.finished_at.desc()).limit(RECENT)).all()
    found = [Score("exam", title, a.score, a.max_score, a.submitted_at, a.passed) for a, title in exams]
    found += [Score("contest", title, r.score, n, r.finished_at) for r, title, n in rounds]
    return sorted(found, key=lambda s: s.at, reverse=True)[:RECENT + 1]


def home_for(session: Session, user: User, now: datetime, timezone: str) -> Home:
    """Everything the home page shows (reads only: review cards are scheduled when mistakes are recorded)."""
    end_of_day = daily_rules.day_end(daily_rules.local_day(now, timezone), timezone)
    return Home(
        modules=study.progress_by_module(session, user, now),
        sittings=open_sittings_for(session, user, now),
        contests=contests.running_for(session, user, now),
        daily=daily.status(session, user, now, timezone),
        reviews_due=review.due_count(session, user.id, end_of_day),
        scores=recent_scores(session, user),
    )
