"""Standings rules: ranking with tie-breaks, branches by mean and participation, the freeze."""
from datetime import datetime, timedelta, timezone

from studyapp.domain import standings as rules

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def test_ranking_score_then_time_then_who_got_there_first():
    entries = [rules.Entry(1, 8, 50000, T0 + timedelta(minutes=5)), rules.Entry(2, 9, 90000, T0),
               rules.Entry(3, 8, 50000, T0 + timedelta(minutes=1)), rules.Entry(4, 8, 40000, T0 + timedelta(hours=1))]
    assert [(rank, e.user_id) for rank, e in rules.ranked(entries)] == [(1, 2), (2, 4), (3, 3), (4, 1)]


def test_member_score_is_the_best_round_not_the_sum():
    rounds = [rules.Entry(1, 5, 1000, T0), rules.Entry(1, 7, 9000, T0 + timedelta(minutes=3)),
              rules.Entry(1, 7, 8000, T0 + timedelta(minutes=9))]
    assert rules.best_of(rounds) == rounds[2]
    assert rules.best_of([]) is None


def test_a_big_branch_does_not_win_by_size():
    big = rules.BranchRow(1, "大支部", audience=100, participants=40, score_sum=40 * 6.0, time_sum=0)
    small = rules.BranchRow(2, "小支部", audience=8, participants=8, score_sum=8 * 6.0, time_sum=0)
    assert big.score_sum > small.score_sum
    assert [r.name for r in rules.rank_branches([big, small])] == ["小支部", "大支部"]
    assert small.participation == 1.0 and big.participation == 0.4
    assert big.mean_score == small.mean_score == 6.0


def test_participation_breaks_equal_audience_means():
    a = rules.BranchRow(1, "甲", audience=10, participants=10, score_sum=50, time_sum=0)
    b = rules.BranchRow(2, "乙", audience=10, participants=5, score_sum=50, time_sum=0)
    assert [r.name for r in rules.rank_branches([b, a])] == ["甲", "乙"]


def test_empty_branch_is_listed_with_zeroes():
    row = rules.BranchRow(3, "丙", audience=0, participants=0, score_sum=0, time_sum=0)
    assert (row.participation, row.mean_score, row.audience_mean) == (0.0, 0.0, 0.0)


def test_freeze_window():
    closes = T0 + timedelta(hours=2)
    assert rules.freeze_at(closes, 0) is None
    assert rules.freeze_at(closes, 30) == closes - timedelta(minutes=30)
    assert not rules.is_frozen(closes - timedelta(minutes=31), closes, 30)
    assert rules.is_frozen(closes - timedelta(minutes=30), closes, 30)
    assert not rules.is_frozen(closes, closes, 30)  # after the close the final board is shown
    assert rules.public_board(closes - timedelta(minutes=10), closes, 30) == "public"
    assert rules.public_board(closes - timedelta(minutes=10), closes, 0) == "live"
    assert rules.counts_on_public(closes - timedelta(minutes=31), closes, 30)
    assert not rules.counts_on_public(closes - timedelta(minutes=29), closes, 30)
