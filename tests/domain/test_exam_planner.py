import pytest

from studyapp.domain.planner import Group, split_by_max, split_into

GROUPS = [Group(1, 40), Group(2, 35), Group(3, 30), Group(4, 20), Group(5, 10), Group(6, 5)]


def flat(batches):
    return sorted(u for b in batches for u in b.unit_ids)


def test_split_into_n_keeps_branches_whole_and_balances():
    batches = split_into(GROUPS, 3)
    assert len(batches) == 3
    assert flat(batches) == [1, 2, 3, 4, 5, 6]
    sizes = sorted(b.members for b in batches)
    assert sum(sizes) == 140 and sizes[-1] - sizes[0] <= 10
    assert split_into(GROUPS, 3)[0].unit_ids == batches[0].unit_ids  # deterministic


def test_split_into_more_sittings_than_branches():
    assert [b.unit_ids for b in split_into([Group(1, 3), Group(2, 4)], 5)] == [[2], [1]]


def test_split_by_max_respects_k_and_big_branch_alone():
    batches = split_by_max(GROUPS + [Group(7, 90)], 50)
    assert flat(batches) == [1, 2, 3, 4, 5, 6, 7]
    assert [7] in [b.unit_ids for b in batches]
    assert all(b.members <= 50 for b in batches if b.unit_ids != [7])
    assert len(batches) == 4  # 90 alone, then first fit: 40+10, 35+5, 30+20


def test_split_by_max_exact_fit():
    batches = split_by_max([Group(1, 25), Group(2, 25), Group(3, 25)], 50)
    assert [b.members for b in batches] == [50, 25]


def test_bad_arguments():
    with pytest.raises(ValueError):
        split_into(GROUPS, 0)
    with pytest.raises(ValueError):
        split_by_max(GROUPS, 0)


def test_stagger_proposes_batches_one_after_another():
    from datetime import datetime, timedelta, timezone

    from studyapp.domain.planner import stagger

    start = datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)
    times = stagger(start, timedelta(minutes=60), timedelta(minutes=15), 3)
    assert [(o.strftime("%H:%M"), c.strftime("%H:%M")) for o, c in times] == [
        ("01:00", "02:00"), ("02:15", "03:15"), ("03:30", "04:30")]
    with pytest.raises(ValueError):
        stagger(start, timedelta(0), timedelta(0), 2)
