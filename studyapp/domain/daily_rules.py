"""Daily practice (每日一练) rules: the day's deterministic draw, points with a daily cap, streaks.

Days are calendar days in the organization's time zone (the caller converts). The draw depends only
on (member, day, candidates): random.Random seeded with "member:day", so a reload, another worker or
a retry gives the same set.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

#: Questions in a day's set.
SET_SIZE = 5
#: At most this many of them come from the wrong-answer book.
FROM_BOOK = 2
#: Points for each correct answer, a bonus for finishing, and one more per streak day up to a limit.
POINTS_PER_CORRECT = 2
COMPLETION_BONUS = 3
STREAK_BONUS_MAX = 5
#: No day is worth more than this, however long the streak.
DAILY_CAP = 15


def local_day(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def day_end(day: date, timezone: str) -> datetime:
    """The first instant of the next local day (exclusive end of `day`), aware."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo(timezone))


def rng_for(user_id: int, day: date) -> random.Random:
    return random.Random(f"daily:{user_id}:{day.isoformat()}")


def draw(user_id: int, day: date, book_ids: list[int], studied_ids: list[int], other_ids: list[int],
         size: int = SET_SIZE, from_book: int = FROM_BOOK) -> list[int]:
    """Up to `from_book` from the wrong-answer book, the rest from studied chapters, topped up from the
    other visible questions; no repeats; the same inputs on the same day give the same list."""
    rng = rng_for(user_id, day)
    chosen: list[int] = []

    def take(pool: list[int], limit: int) -> None:
        fresh = sorted(set(pool) - set(chosen))
        chosen.extend(rng.sample(fresh, min(limit, len(fresh))))

    take(book_ids, min(from_book, size))
    take(studied_ids, size - len(chosen))
    take(other_ids, size - len(chosen))
    return chosen


def points(correct: int, completed: bool, streak: int) -> int:
    """A day's points: per correct answer, plus finishing and streak bonuses, never above DAILY_CAP.
    `streak` counts this day when completed."""
    earned = correct * POINTS_PER_CORRECT
    if completed:
        earned += COMPLETION_BONUS + min(max(streak - 1, 0), STREAK_BONUS_MAX)
    return min(earned, DAILY_CAP)


def streak(completed_days: set[date], today: date) -> int:
    """Consecutive completed days ending today, or ending yesterday while today is still open;
    a missed day resets it to 0."""
    day = today if today in completed_days else today - timedelta(days=1)
    count = 0
    while day in completed_days:
        count += 1
        day -= timedelta(days=1)
    return count
