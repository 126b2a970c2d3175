"""Contest rules without a database: deadlines, round scores, fair-play checks."""
from datetime import datetime, timedelta, timezone

from studyapp.domain import contest_rules as rules

SHOWN = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def test_deadline_and_latency_allowance():
    assert rules.deadline(SHOWN, 20) == SHOWN + timedelta(seconds=20)
    assert rules.accepts(SHOWN, 20, 2, SHOWN + timedelta(seconds=22))
    assert not rules.accepts(SHOWN, 20, 2, SHOWN + timedelta(seconds=22, milliseconds=1))
    assert not rules.accepts(SHOWN, 20, 0, SHOWN + timedelta(seconds=20, milliseconds=1))
    assert rules.expired(SHOWN, 20, 2, SHOWN + timedelta(seconds=23))


def test_round_score_counts_correct_answers_then_capped_time():
    items = [rules.Answered(True, 3000), rules.Answered(False, 4000), rules.Answered(True, 25000),
             rules.Answered(False, None)]
    assert rules.score_round(items, 20) == rules.RoundScore(2, 3000 + 4000 + 20000 + 20000)


def test_better_compares_score_then_time_then_who_came_first():
    early, late = SHOWN, SHOWN + timedelta(minutes=1)
    assert rules.better((3, 9000, late), (2, 1000, early))
    assert rules.better((3, 8000, late), (3, 9000, early))
    assert rules.better((3, 9000, early), (3, 9000, late))
    assert not rules.better((3, 9000, late), (3, 9000, early))


def test_fast_answers_count_only_correct_ones_under_the_threshold():
    items = [rules.Answered(True, 300), rules.Answered(False, 200), rules.Answered(True, 1500),
             rules.Answered(True, None)]
    assert rules.fast_answers(items, 1000) == 1
    assert rules.fast_answers(items, 0) == 0


def test_identical_sequences_need_same_questions_order_and_responses():
    key = rules.sequence_key([4, 7, 9], ["B", ["A", "C"], True])
    assert key == rules.sequence_key([4, 7, 9], ["B", ["A", "C"], True])
    assert key != rules.sequence_key([7, 4, 9], ["B", ["A", "C"], True])
    assert key != rules.sequence_key([4, 7, 9], ["B", ["A", "C"], False])


def test_near_identical_timing():
    assert rules.near_identical_timing([3000, 4000, None], [3200, 3700, None])
    assert not rules.near_identical_timing([3000, 4000, None], [3000, 8000, None])
    assert not rules.near_identical_timing([3000, None], [3000, 3000])
    assert not rules.near_identical_timing([], [])
