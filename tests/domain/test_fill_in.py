"""The fill-in rule: a blank is marked the way a person marking by hand would mark it."""
from __future__ import annotations

import pytest

from studyapp.domain.fill_in import blank_contexts, blank_is_right
from studyapp.domain.grading import grade

MEMBERS_STEM = "有正式党员___人以上的基层单位，都应当成立党支部。"
MONTHLY_STEM = "党支部委员会会议一般每___召开1次，根据需要可以随时召开。"


def right(stem: str, accepted: list[str], given: str, blank: int = 0) -> bool:
    before, after = blank_contexts(stem, blank + 1)[blank]
    return blank_is_right(accepted, given, before, after)


@pytest.mark.parametrize("given", ["3", "三", "3人", "三人", "３", "３人", " 3 人 ", "3。"])
def test_a_number_in_either_numeral_with_or_without_the_stems_unit(given):
    assert right(MEMBERS_STEM, ["3", "三"], given)


@pytest.mark.parametrize("given", ["4", "四", "4人", "33", "三十", "3名", "", "人"])
def test_another_number_or_another_unit_is_wrong(given):
    assert not right(MEMBERS_STEM, ["3", "三"], given)


@pytest.mark.parametrize("given", ["3", "三", "3人", "三人"])
def test_a_key_with_its_unit_accepts_the_number_without_it(given):
    assert right("一个党支部正式党员不少于___。", ["3人"], given)


@pytest.mark.parametrize("given", ["6", "六", "6个月", "六个月"])
def test_a_repeated_measure_word_and_unit_after_the_blank(given):
    assert right("工作期限在___个月以上的工程、项目等", ["6"], given)


@pytest.mark.parametrize("given", ["月", "每月", "个月", "每 月", "每月。"])
def test_a_word_before_the_blank_repeated_by_the_member(given):
    assert right(MONTHLY_STEM, ["月", "个月"], given)


@pytest.mark.parametrize("given", ["季度", "每季度", "季"])
def test_quarterly_blank_after_mei(given):
    assert right("党员大会一般每___召开___次。", ["季度", "季"], given)


def test_second_blank_forgives_the_repeated_measure_word():
    stem = "党员大会一般每___召开___次。"
    assert right(stem, ["1", "一"], "1次", blank=1)
    assert right(stem, ["1", "一"], "一次", blank=1)
    assert not right(stem, ["1", "一"], "2次", blank=1)


def test_the_repeat_rule_never_accepts_a_different_word():
    assert not right(MONTHLY_STEM, ["月"], "每季度")
    assert not right(MONTHLY_STEM, ["月"], "每")
    assert not right(MEMBERS_STEM, ["3"], "人以上")


@pytest.mark.parametrize("given", ["入党积极分子", "入党积极分子。", "ＡＢ", " 入党 积极分子 "])
def test_non_numeric_answers_match_exactly_apart_from_width_space_and_punctuation(given):
    assert right("第九条要求党支部对___进行教育和培养。", ["入党积极分子", "ab"], given)


@pytest.mark.parametrize("given", ["积极分子", "入党积极份子", "入党积极分子们", "一"])
def test_non_numeric_answers_do_not_match_a_part_or_a_variant(given):
    assert not right("第九条要求党支部对___进行教育和培养。", ["入党积极分子"], given)


def test_a_word_starting_with_a_numeral_is_not_a_number():
    # "一般" begins with 一 but is not a quantity: "一" alone must not pass for it.
    assert not right("___由本单位主要负责人担任。", ["一般"], "一")
    assert not right("坚持“___”。", ["四个意识"], "四")


@pytest.mark.parametrize("given", ["半数", "二分之一", "1/2", "50%", "百分之五十", "一半"])
def test_fractions_written_as_numbers_or_words(given):
    assert right("须有___以上委员到会方可进行。", ["半数", "一半", "二分之一"], given)


def test_grading_uses_the_rule_with_the_stem_for_every_blank():
    key = [["季度", "季"], ["1", "一"]]
    stem = "党员大会一般每___召开___次。"
    outcome = grade("fill_blank", key, ["每季度", "1次"], 2, stem=stem)
    assert outcome.correct and outcome.awarded == 2
    half = grade("fill_blank", key, ["每月", "1次"], 2, stem=stem)
    assert not half.correct and half.awarded == 1
    # Without the stem the repeated word is not known, so only the listed wordings count.
    assert not grade("fill_blank", key, ["每季度", "一"], 2).correct


def test_blank_contexts_pad_when_the_stem_has_fewer_blanks_than_the_key():
    assert blank_contexts("没有空", 2) == [("", ""), ("", "")]
    assert blank_contexts("每___召开___次", 2) == [("每", "召开"), ("召开", "次")]


@pytest.mark.parametrize("given, accepted", [("0.5", ["5"]), ("1/2", ["12"]), ("5%", ["5"]), ("1/0", ["1"]),
                                             ("零分之一", ["1"])])
def test_punctuation_inside_a_number_is_part_of_its_value(given, accepted):
    assert not right("须有___以上委员到会。", accepted, given)


def test_decimals_and_percentages_match_their_value():
    assert right("须有___以上委员到会。", ["0.5"], "50%")
    assert right("须有___以上委员到会。", ["百分之五十"], "0.5")
