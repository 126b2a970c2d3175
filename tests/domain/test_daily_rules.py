"""Daily practice rules: deterministic draw, points with a cap, streaks across days."""
from datetime import date, datetime, timedelta, timezone

from studyapp.domain import daily_rules as rules

DAY = date(2026, 5, 1)


def test_draw_is_deterministic_per_member_and_day_and_mixes_sources():
    book, studied, other = [1, 2, 3], list(range(10, 30)), list(range(50, 60))
    first = rules.draw(7, DAY, book, studied, other)
    assert first == rules.draw(7, DAY, book, studied, other)
    assert len(first) == 5 and len(set(first)) == 5
    assert len([q for q in first if q in book]) == 2
    assert all(q in book or q in studied for q in first)
    assert first != rules.draw(7, DAY + timedelta(days=1), book, studied, other) or \
        first != rules.draw(8, DAY, book, studied, other)


def test_draw_tops_up_from_other_questions_and_handles_small_banks():
    assert sorted(rules.draw(1, DAY, [], [4], [5, 6])) == [4, 5, 6]
    assert rules.draw(1, DAY, [], [], []) == []
    assert len(rules.draw(1, DAY, [1, 2, 3, 4, 5, 6], [], [])) == 2  # the book is only part of a set


def test_points_have_a_daily_cap():
    assert rules.points(2, False, 0) == 4
    assert rules.points(5, True, 1) == 13
    assert rules.points(5, True, 3) == rules.DAILY_CAP
    assert rules.points(5, True, 100) == rules.DAILY_CAP


def test_streak_counts_consecutive_days_and_a_missed_day_resets():
    days = {DAY - timedelta(days=n) for n in (0, 1, 2)}
    assert rules.streak(days, DAY) == 3
    assert rules.streak(days - {DAY}, DAY) == 2  # today still open: yesterday's streak lives
    assert rules.streak(days, DAY + timedelta(days=2)) == 0  # a missed day resets
    assert rules.streak(set(), DAY) == 0


def test_local_day_uses_the_organization_time_zone():
    late_utc = datetime(2026, 4, 30, 17, 0, tzinfo=timezone.utc)  # 01:00 on 1 May in Shanghai
    assert rules.local_day(late_utc, "Asia/Shanghai") == DAY
    assert rules.local_day(late_utc, "UTC") == DAY - timedelta(days=1)
