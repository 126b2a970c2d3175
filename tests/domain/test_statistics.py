"""Participation figures, branch ranking and histograms on small examples worked out by hand."""
from studyapp.domain import statistics as st


def test_mean_and_median():
    assert st.median([3, 1, 2]) == 2
    assert st.median([1, 2, 3, 4]) == 2.5
    assert st.median([]) is None
    assert st.mean([70, 80, 95]) == 81.67
    assert st.mean([]) is None


def test_participation_counts_and_rates():
    figures = st.participation(10, [60, 80, 90, 50], passed=3)
    assert (figures.expected, figures.sat, figures.passed, figures.absent) == (10, 4, 3, 6)
    assert figures.participation_rate == 40.0  # 4 of 10 sat
    assert figures.pass_rate == 75.0  # 3 of the 4 who sat passed
    assert figures.mean == 70.0 and figures.median == 70.0
    empty = st.participation(0, [], 0)
    assert empty.participation_rate is None and empty.pass_rate is None and empty.mean is None


def test_ranking_uses_rates_not_size():
    a = st.participation(10, [90] * 9, 9)  # 90% sat, 100% passed
    b = st.participation(100, [70] * 90, 45)  # 90% sat, 50% passed: more points in total, ranked lower
    c = st.participation(5, [60] * 5, 3)  # 100% sat, 60% passed
    d = st.participation(10, [80] * 9, 9)  # same rates as a: shares its rank
    ranked = st.rank_groups([("B", b), ("A", a), ("C", c), ("D", d)])
    assert [(r.rank, r.key) for r in ranked] == [(1, "C"), (2, "A"), (2, "D"), (4, "B")]


def test_histogram_bins_of_ten_points():
    bins = st.histogram([0, 9.9, 10, 55, 100, 99.5, 90])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert bins[0].label == "0–9" and bins[-1].label == "90–100"
    assert sum(b.count for b in bins) == 7


def test_bars_scale_to_the_tallest_bin():
    bins = [st.Bin(0, 50, 2), st.Bin(50, 100, 4)]
    tall, short = st.bars(bins, width=100, height=200, gap=0)[::-1]
    assert (tall.height, tall.y, tall.x, tall.width) == (200, 0, 50, 50)
    assert (short.height, short.y, short.x) == (100, 100, 0)
