"""Item analysis on ten attempts whose figures are worked out by hand below.

Totals 10, 9, ..., 1 for attempts 1..10. 27% of 10 = 2.7 -> groups of 3: upper {1, 2, 3}, lower {8, 9, 10}.
Population s.d. of 1..10 = sqrt(99/12) = 2.8723; for attempts {1, 2, 9, 10}: sqrt(65/4) = 4.0311.
"""
from studyapp.domain import item_analysis as ia

TOTALS = {a: 11 - a for a in range(1, 11)}


def rows(question_id, picks, key):
    """picks: attempt id -> chosen options tuple; correct when the choice equals the key."""
    return [ia.Response(a, TOTALS[a], question_id, tuple(sorted(c)) == tuple(sorted(key)), c) for a, c in picks.items()]


def build(min_takers=1):
    responses = []
    # Q1 single, key B: attempts 1-6 right; 7 and 9 chose A, 8 chose C, 10 left it blank.
    responses += rows(1, {**{a: ("B",) for a in range(1, 7)}, 7: ("A",), 8: ("C",), 9: ("A",), 10: ()}, ("B",))
    # Q2 single, key A: the four best chose C (a wrong key in disguise), the rest A.
    responses += rows(2, {**{a: ("C",) for a in range(1, 5)}, **{a: ("A",) for a in range(5, 11)}}, ("A",))
    # Q3 true/false, key true, on four papers only: 1 true, 2, 9, 10 false.
    responses += rows(3, {1: ("true",), 2: ("false",), 9: ("false",), 10: ("false",)}, ("true",))
    # Q4 multiple, key A+C: 1 and 2 right, 3 chose A+B, 4-10 chose B+D.
    responses += rows(4, {1: ("A", "C"), 2: ("A", "C"), 3: ("A", "B"), **{a: ("B", "D") for a in range(4, 11)}},
                      ("A", "C"))
    items = [ia.Item(1, "single", ("A", "B", "C", "D"), ("B",)), ia.Item(2, "single", ("A", "B", "C", "D"), ("A",)),
             ia.Item(3, "true_false", ("true", "false"), ("true",)),
             ia.Item(4, "multiple", ("A", "B", "C", "D"), ("A", "C")), ia.Item(5, "fill_blank")]
    return {s.question_id: s for s in ia.analyse(responses, items, min_takers=min_takers)}


def test_groups_are_27_percent_each_way():
    assert ia.extreme_groups(TOTALS) == ({1, 2, 3}, {8, 9, 10})
    assert ia.extreme_groups({1: 5.0, 2: 3.0, 3: 1.0}) == ({1}, {3})


def test_a_good_question():
    q1 = build()[1]
    assert (q1.takers, q1.correct, q1.facility) == (10, 6, 0.6)
    assert q1.discrimination == 1.0  # 3/3 upper - 0/3 lower
    # (7.5 - 2.5) / 2.8723 * sqrt(0.6 * 0.4) = 0.853
    assert q1.point_biserial == 0.853
    assert [(o.key, o.count, o.is_key) for o in q1.options] == [("A", 2, False), ("B", 6, True), ("C", 1, False),
                                                                 ("D", 0, False)]
    assert q1.options[1].share == 60.0
    assert q1.unanswered == 1
    assert q1.flags == []


def test_negative_discrimination_is_flagged():
    q2 = build()[2]
    assert q2.facility == 0.6
    assert q2.discrimination == -1.0  # 0/3 upper - 3/3 lower
    assert q2.point_biserial == -0.853  # (3.5 - 8.5) / 2.8723 * 0.4899
    assert q2.flags == [ia.FLAG_NEGATIVE]


def test_only_takers_count_on_blueprint_papers():
    q3 = build()[3]
    assert (q3.takers, q3.facility) == (4, 0.25)
    assert q3.discrimination == 0.5  # upper takers {1, 2}: 1/2; lower takers {9, 10}: 0/2
    # (10 - 4) / 4.0311 * sqrt(0.25 * 0.75) = 0.645
    assert q3.point_biserial == 0.645
    assert [(o.key, o.count) for o in q3.options] == [("true", 1), ("false", 3)]
    assert q3.flags == [ia.FLAG_DISTRACTOR]


def test_multiple_choice_distractor_beats_the_least_chosen_key():
    q4 = build()[4]
    assert q4.facility == 0.2
    assert q4.discrimination == 0.667  # 2/3 - 0/3
    assert [(o.key, o.count) for o in q4.options] == [("A", 3), ("B", 8), ("C", 2), ("D", 7)]
    assert q4.flags == [ia.FLAG_DISTRACTOR]


def test_untaken_item_has_no_figures():
    q5 = build()[5]
    assert (q5.takers, q5.facility, q5.discrimination, q5.point_biserial, q5.options) == (0, None, None, None, [])


def test_response_shapes():
    assert ia.chosen_options("single", "B") == ("B",)
    assert ia.chosen_options("multiple", ["A", "C"]) == ("A", "C")
    assert ia.chosen_options("true_false", False) == ("false",)
    assert ia.chosen_options("single", None) == ()
    assert ia.key_options("true_false", True, []) == (("true", "false"), ("true",))
    assert ia.key_options("multiple", ["A", "C"], ["A", "B", "C"]) == (("A", "B", "C"), ("A", "C"))


def test_no_flags_below_the_minimum_sample():
    """Ten answer sheets are too few to accuse a question: figures are shown, flags wait for 30 takers."""
    default = build(min_takers=ia.MIN_TAKERS)
    assert ia.MIN_TAKERS == 30
    assert default[2].discrimination == -1.0 and default[2].flags == []
    assert default[3].flags == [] and default[4].flags == []
