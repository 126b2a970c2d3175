"""Daily practice (每日一练): one short set per member and local day, a streak and capped points.

The set is drawn once per (member, day) with daily_rules.draw (deterministic) and stored, so a reload
or another worker shows the same questions. Questions come from the wrong-answer book and from the
chapters the member studied (StudyProgress), topped up from every visible question. Answers go
through services.practice (the one grading path), so they also feed the wrong-answer book.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import daily_rules as rules
from ..models import Chapter, Module, Question, QuestionVersion, StudyProgress, User
from ..models.daily import DailySet
from . import key_access, practice, wrong_book
from .errors import Conflict, NotFound
from .study import visible_condition

#: How far back the streak is counted.
STREAK_LOOKBACK_DAYS = 400


def _visible(session: Session, user: User, now: datetime) -> list[tuple[int, int, int]]:
    """(question id, module id, chapter number) of active questions the member may practise now (and see
    the key of: services.key_access)."""
    stmt = (select(Question.id, Module.id, QuestionVersion.chapter_number)
            .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
            .join(Module, Module.id == Question.module_id)
            .join(Chapter, and_(Chapter.module_id == Module.id, Chapter.number == QuestionVersion.chapter_number))
            .where(Question.status == "active", visible_condition(session, user, now),
                   key_access.withheld(session, user, now).allowed()))
    return [tuple(row) for row in session.execute(stmt)]


def draw_for(session: Session, user: User, day: date, now: datetime) -> list[int]:
    visible = _visible(session, user, now)
    studied = {tuple(row) for row in session.execute(
        select(Chapter.module_id, Chapter.number).join(StudyProgress, StudyProgress.chapter_id == Chapter.id)
        .where(StudyProgress.user_id == user.id))}
    book = wrong_book.open_question_ids(session, user.id)
    ids = {qid for qid, _, _ in visible}
    studied_ids = [qid for qid, module_id, chapter in visible if (module_id, chapter) in studied]
    return rules.draw(user.id, day, sorted(book & ids), studied_ids, sorted(ids))


def today_set(session: Session, user: User, now: datetime, timezone: str) -> DailySet:
    """Today's set, drawn on first use; two tabs at once get the same row (unique per member and day)."""
    day = rules.local_day(now, timezone)
    existing = _set(session, user.id, day)
    if existing is not None:
        return existing
    ids = draw_for(session, user, day, now)
    if not ids:
        raise NotFound("暂无可练习的题目，先去学习吧")
    row = DailySet(user_id=user.id, day=day, question_ids=ids, results=[None] * len(ids), points=0, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        row = _set(session, user.id, day)
    return row


def _set(session: Session, user_id: int, day: date) -> DailySet | None:
    return session.scalar(select(DailySet).where(DailySet.user_id == user_id, DailySet.day == day))


def answer(session: Session, user: User, position: int, raw_response, now: datetime,
           timezone: str) -> practice.Feedback:
    """Answer question `position` (0-based) of today's set; completing the set earns the day's points."""
    row = today_set(session, user, now, timezone)
    if row.completed_at is not None:
        raise Conflict("今日练习已完成")
    if position != next_position(row):
        raise Conflict("请按顺序作答")
    feedback = practice.answer(session, user, row.question_ids[position], raw_response, now)
    results = list(row.results)
    results[position] = feedback.answer.correct
    row.results = results
    done = all(r is not None for r in results)
    if done:
        row.completed_at = now
    session.flush()  # the streak below then includes today once completed
    streak = streak_days(session, user.id, row.day) if done else 0
    row.points = rules.points(sum(1 for r in results if r), done, streak)
    session.flush()
    return feedback


def skip_unavailable(session: Session, row: DailySet, position: int, now: datetime) -> None:
    """A question retired or hidden since the draw counts as answered (not correct), so the day can finish."""
    results = list(row.results)
    results[position] = False
    row.results = results
    if all(r is not None for r in results):
        row.completed_at = now
    session.flush()


def current_question(session: Session, user: User, row: DailySet, now: datetime):
    """(position, practice item) of the next question to answer, or (None, None) when the day is done.
    Questions retired or hidden since the draw are skipped (skip_unavailable) on the way."""
    position = next_position(row)
    while position is not None:
        try:
            return position, practice.get_item(session, user, row.question_ids[position], now)
        except NotFound:
            skip_unavailable(session, row, position, now)
            position = next_position(row)
    return None, None


def next_position(row: DailySet) -> int | None:
    return next((n for n, result in enumerate(row.results) if result is None), None)


def streak_days(session: Session, user_id: int, today: date) -> int:
    """Completed days in a row ending today (or yesterday while today is open)."""
    days = set(session.scalars(select(DailySet.day).where(
        DailySet.user_id == user_id, DailySet.completed_at.is_not(None),
        DailySet.day > today - timedelta(days=STREAK_LOOKBACK_DAYS))))
    return rules.streak(days, today)


@dataclass(frozen=True)
class DailyStatus:
    total: int  # questions in today's set (0: not drawn yet)
    answered: int
    correct: int
    done: bool
    streak: int
    points_today: int
    points_total: int


def status(session: Session, user: User, now: datetime, timezone: str) -> DailyStatus:
    """Today's progress, the streak and points, read without drawing a set."""
    today = rules.local_day(now, timezone)
    row = _set(session, user.id, today)
    total_points = session.scalar(select(func.coalesce(func.sum(DailySet.points), 0))
                                  .where(DailySet.user_id == user.id)) or 0
    results = row.results if row else []
    return DailyStatus(len(results), sum(1 for r in results if r is not None), sum(1 for r in results if r),
                       bool(row and row.completed_at), streak_days(session, user.id, today),
                       row.points if row else 0, int(total_points))
