from datetime import datetime, timedelta, timezone

from studyapp.domain import timing

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def test_deadline_is_time_limit_or_sitting_close_whichever_first():
    assert timing.deadline(T0, 30, T0 + timedelta(hours=2)) == T0 + timedelta(minutes=30)
    assert timing.deadline(T0, 30, T0 + timedelta(minutes=10)) == T0 + timedelta(minutes=10)


def test_remaining_never_negative():
    end = T0 + timedelta(minutes=30)
    assert timing.remaining(T0, end) == 1800
    assert timing.remaining(T0 + timedelta(seconds=1799, microseconds=500), end) == 0
    assert timing.remaining(T0 + timedelta(hours=1), end) == 0


def test_saves_accepted_up_to_the_deadline_only():
    end = T0 + timedelta(minutes=30)
    assert timing.can_save(end, end)
    assert not timing.can_save(end + timedelta(microseconds=1), end)
    assert timing.is_overdue(end + timedelta(seconds=1), end) and not timing.is_overdue(end, end)


def test_window_state():
    close = T0 + timedelta(days=1)
    assert timing.window_state(T0 - timedelta(seconds=1), T0, close) == "upcoming"
    assert timing.window_state(T0, T0, close) == "open"
    assert timing.window_state(close, T0, close) == "closed"


def test_time_used_capped_at_deadline():
    end = T0 + timedelta(minutes=30)
    assert timing.time_used(T0, T0 + timedelta(minutes=12), end) == 720
    assert timing.time_used(T0, T0 + timedelta(hours=3), end) == 1800


def test_review_policy():
    close = T0 + timedelta(days=1)
    assert not timing.review_visible("immediate", False, close, close)
    assert timing.review_visible("immediate", True, T0, close)
    assert not timing.review_visible("after_close", True, T0, close)
    assert timing.review_visible("after_close", True, close, close)
    assert not timing.review_visible("never", True, close + timedelta(days=9), close)


def test_review_after_every_sitting_and_when_a_paper_is_released():
    sitting_close, exam_close = T0 + timedelta(days=1), T0 + timedelta(days=3)  # a later batch or a make-up
    assert not timing.review_visible("after_close", True, sitting_close, sitting_close, exam_close)
    assert timing.review_visible("after_close", True, exam_close, sitting_close, exam_close)
    assert not timing.review_visible("after_close", False, exam_close, sitting_close, exam_close)
    # 不公布: the attempt's review never opens, but the paper's questions return to practice after the exam.
    assert not timing.review_visible("never", True, exam_close, sitting_close, exam_close)
    assert not timing.paper_released("never", True, sitting_close, sitting_close, exam_close)
    assert timing.paper_released("never", True, exam_close, sitting_close, exam_close)
    assert not timing.paper_released("immediate", False, exam_close, sitting_close, exam_close)
