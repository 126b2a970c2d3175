"""Grading rules for the four question types."""
import pytest

from studyapp.domain.grading import (
    PARTIAL, InvalidResponse, blank_count, check_response, grade, normalize_text,
)


def test_single_choice():
    assert grade("single", "B", "B", 2).awarded == 2
    assert grade("single", "B", "C", 2).awarded == 0
    assert grade("single", "B", None, 2).answered is False


def test_multiple_all_or_nothing():
    assert grade("multiple", ["A", "C"], ["A", "C"], 4) .awarded == 4
    assert grade("multiple", ["A", "C"], ["A"], 4).awarded == 0
    assert grade("multiple", ["A", "C"], ["A", "B", "C"], 4).awarded == 0


def test_multiple_partial_credit():
    assert grade("multiple", ["A", "B", "C", "D"], ["A", "B", "C"], 4, PARTIAL).awarded == 3
    assert grade("multiple", ["A", "C"], ["A"], 3, PARTIAL).awarded == 1.5
    outcome = grade("multiple", ["A", "C"], ["A", "D"], 4, PARTIAL)  # a wrong pick voids the question
    assert outcome.awarded == 0 and not outcome.correct
    assert grade("multiple", ["A", "C"], [], 4, PARTIAL).answered is False


def test_true_false_is_strict_about_type():
    assert grade("true_false", False, False, 1).awarded == 1
    assert grade("true_false", True, False, 1).awarded == 0


def test_fill_blank_normalizes_width_space_and_punctuation():
    key = [["50", "五十"], ["季度", "季"]]
    assert grade("fill_blank", key, ["５０", " 季度。"], 2).correct
    assert grade("fill_blank", key, ["五十", "季"], 2).correct
    half = grade("fill_blank", key, ["50", "月"], 2)
    assert half.awarded == 1 and not half.correct
    assert grade("fill_blank", key, ["", ""], 2).answered is False


@pytest.mark.parametrize("raw, expected", [("ＡＢＣ", "abc"), ("民主 集中制！", "民主集中制"), ("“两学一做”", "两学一做")])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_check_response_shapes():
    keys = ["A", "B", "C", "D"]
    assert check_response("single", "B", keys, 0) == "B"
    assert check_response("multiple", ["C", "A"], keys, 0) == ["A", "C"]
    assert check_response("true_false", True, [], 0) is True
    assert check_response("fill_blank", ["x", "y"], [], 2) == ["x", "y"]
    for qtype, bad in [("single", "E"), ("single", ["A"]), ("multiple", "AC"), ("multiple", ["A", "A"]),
                       ("true_false", "true"), ("fill_blank", ["only one"])]:
        with pytest.raises(InvalidResponse):
            check_response(qtype, bad, keys, 2)


def test_blank_count_is_one_per_accepted_answers_list():
    assert blank_count("fill_blank", [["三", "3"], ["季度"]]) == 2
    assert blank_count("multiple", ["A", "C"]) == 0 and blank_count("true_false", True) == 0
