"""Branch assessment rules: grades and stars at every threshold edge, vetoes, the draw, problem status."""
from datetime import date, datetime, timezone

import pytest

from studyapp.domain.assessment import demo_sites, draw, grading, rectification, schemes, steps
from studyapp.domain.assessment.indicators import points
from studyapp.domain.problems import ValidationFailed

GRADES = grading.scale_from("grades", {"好": 90, "较好": 80, "一般": 60})
STARS = grading.scale_from("stars", {"五星": 95, "四星": 85, "三星": 75, "二星": 65, "一星": 60})


@pytest.mark.parametrize("total, grade", [
    (100, "好"), (90, "好"), (89.99, "较好"), (80, "较好"), (79.9, "一般"), (60, "一般"), (59.99, "差"), (0, "差"),
])
def test_four_grades_at_each_edge(total, grade):
    assert GRADES.grade(total) == grade


@pytest.mark.parametrize("total, stars", [
    (95, "五星"), (94.9, "四星"), (85, "四星"), (84.9, "三星"), (75, "三星"), (74.9, "二星"), (65, "二星"),
    (64.9, "一星"), (60, "一星"), (59.9, "未定星"),
])
def test_stars_at_each_edge(total, stars):
    assert STARS.grade(total) == stars


def test_float_sums_do_not_fall_below_a_threshold():
    # 0.1 * 900 summed as floats is 89.99999999999...; the branch earned 90.
    assert grading.outcome(GRADES, [0.1] * 900).grade == "好"


def test_thresholds_must_decrease_and_be_complete():
    with pytest.raises(ValueError, match="应低于"):
        grading.scale_from("grades", {"好": 80, "较好": 80, "一般": 60})
    assert grading.check_thresholds("grades", {"好": 90, "较好": 80}) == ["缺少“一般”的分数线"]
    assert "之间" in grading.check_thresholds("grades", {"好": 120, "较好": 80, "一般": 60}, 100)[0]


def test_a_veto_caps_the_grade_and_says_which():
    vetoes = [grading.Veto("发生严重违纪", "差")]
    result = grading.outcome(GRADES, [50, 45], vetoes)
    assert (result.total, result.score_grade, result.grade, result.capped_by) == (95, "好", "差", ("发生严重违纪",))


def test_a_veto_above_the_earned_grade_changes_nothing():
    result = grading.outcome(GRADES, [20, 30], [grading.Veto("未按期换届", "一般")])
    assert (result.grade, result.capped_by) == ("差", ())


def test_the_worst_of_several_vetoes_wins_for_stars():
    vetoes = [grading.Veto("甲", "三星"), grading.Veto("乙", "一星")]
    result = grading.outcome(STARS, [99], vetoes)
    assert result.grade == "一星" and result.capped_by == ("甲", "乙")


def test_missing_scores_count_zero():
    assert grading.outcome(GRADES, [50, None, 30]).total == 80


def test_movement_up_down_and_unknown():
    assert grading.movement(GRADES, "一般", "好") == 1
    assert grading.movement(GRADES, "好", "较好") == -1
    assert grading.movement(GRADES, "好", "好") == 0
    assert grading.movement(GRADES, None, "好") == 0


def test_scores_outside_range_and_deductions_without_reason_are_refused():
    from studyapp.domain.problems import Collector
    problems = Collector()
    grading.check_score(11, 10, "1.1", problems)
    grading.check_score(-1, 10, "1.2", problems)
    grading.check_score(8, 10, "1.3", problems, reason=" ", need_reason=True)
    grading.check_score(8, 10, "1.4", problems, reason="记录不全", need_reason=True)
    grading.check_score(10, 10, "1.5", problems, need_reason=True)
    assert [p.column for p in problems.problems] == ["1.1", "1.2", "1.3"]
    assert "扣了 2 分" in problems.problems[2].message


def test_spot_check_is_reproducible_from_its_seed():
    first = draw.spot_check([5, 3, 9, 1, 7, 2], 3, seed=20261203)
    assert first == draw.spot_check([1, 2, 3, 5, 7, 9], 3, seed=20261203)  # order of input does not matter
    assert len(first) == 3 and set(first) <= {1, 2, 3, 5, 7, 9}
    assert draw.spot_check([1, 2], 5, seed=1) == [1, 2]
    assert draw.spot_check([1, 2], 0, seed=1) == []
    seeds = {tuple(draw.spot_check(range(100), 5, seed=s)) for s in range(20)}
    assert len(seeds) > 1


SHANGHAI_MIDNIGHT = datetime(2026, 12, 3, 16, 0, tzinfo=timezone.utc)  # 2026-12-04 00:00 in Shanghai


def test_overdue_is_decided_by_the_shanghai_date():
    deadline = date(2026, 12, 3)
    just_before = datetime(2026, 12, 3, 15, 59, tzinfo=timezone.utc)  # 23:59 on the 3rd in Shanghai
    assert not rectification.is_overdue("open", deadline, just_before)
    assert rectification.is_overdue("open", deadline, SHANGHAI_MIDNIGHT)
    assert rectification.shown_status("awaiting", deadline, SHANGHAI_MIDNIGHT) == "overdue"
    assert not rectification.is_overdue("closed", deadline, SHANGHAI_MIDNIGHT)
    assert not rectification.is_overdue("open", None, SHANGHAI_MIDNIGHT)


def test_problem_transitions_by_role():
    assert rectification.may_move("open", "in_progress", "branch")
    assert rectification.may_move("in_progress", "awaiting", "branch")
    assert not rectification.may_move("awaiting", "closed", "branch")
    assert rectification.may_move("awaiting", "closed", "reviewer")
    assert rectification.may_move("awaiting", "in_progress", "reviewer")
    assert not rectification.may_move("open", "closed", "reviewer")
    assert not rectification.may_move("closed", "open", "reviewer")


def test_step_order_skips_an_empty_spot_check():
    assert steps.next_step("self", True) == "review"
    assert steps.next_step("review", True) == "spotcheck"
    assert steps.next_step("review", False) == "published"
    assert steps.next_step("published", True) is None


def test_deadlines_not_before_today_and_in_order():
    today = date(2026, 12, 3)
    assert steps.check_deadlines({"self": date(2026, 12, 10), "review": date(2026, 12, 20)}, today) == []
    problems = steps.check_deadlines({"self": date(2026, 12, 2), "review": date(2026, 12, 1)}, today)
    assert any("早于今天" in p for p in problems) and any("不早于" in p for p in problems)
    assert steps.past_deadline(date(2026, 12, 3), SHANGHAI_MIDNIGHT)
    assert not steps.past_deadline(date(2026, 12, 4), SHANGHAI_MIDNIGHT)


def test_platform_rate_to_points():
    assert points(0.875, 8) == 7.0
    assert points(1.2, 5) == 5.0
    assert points(None, 5) is None


def test_demo_site_flags():
    assert demo_sites.review_reasons(GRADES, "好", None, 0) == []
    assert demo_sites.review_reasons(GRADES, "较好", None, 0) == ["最近一次评定为“较好”，低于“好”"]
    assert demo_sites.review_reasons(GRADES, "较好", "较好", 0) == []
    assert demo_sites.review_reasons(GRADES, None, None, 2) == ["有 2 个问题逾期未整改"]


def _draft():
    return schemes.SchemeDraft(
        "测试方案", "grades", {"好": 90, "较好": 80, "一般": 60},
        [schemes.IndicatorDraft("组织设置", "1.1", "=HYPERLINK(\"x\")", 60, "要点", "材料"),
         schemes.IndicatorDraft("党员教育管理", "4.1", "考试合格率", 40, source="platform",
                                platform_kind="exam_pass_rate", scope_ids=[3, 4])],
        [("发生严重违纪", "差")], "好")


def test_scheme_workbook_round_trips():
    draft = _draft()
    again = schemes.from_workbook(schemes.to_workbook(draft), "方案.xlsx")
    assert again == draft


def test_scheme_workbook_reports_every_problem_with_its_row():
    draft = _draft()
    draft.indicators[0].max_points = 0
    draft.indicators[1].scope_ids = []
    draft.thresholds["较好"] = 95
    with pytest.raises(ValidationFailed) as failed:
        schemes.from_workbook(schemes.to_workbook(draft), "方案.xlsx")
    text = str(failed.value)
    assert "方案.xlsx，第2行，“分值”列" in text and "第3行" in text and "应低于" in text


def test_a_file_that_is_not_a_workbook_is_a_clear_problem():
    with pytest.raises(ValidationFailed, match="无法读取 Excel"):
        schemes.from_workbook(b"not a zip", "x.xlsx")


def test_the_template_imports_as_it_is_and_explains_every_column():
    from openpyxl import load_workbook
    import io

    data = schemes.template_workbook()
    draft = schemes.from_workbook(data, "模板.xlsx")
    assert draft.total == 100 and {i.source for i in draft.indicators} == {"manual", "platform"}
    guide = [row[0] for row in load_workbook(io.BytesIO(data))["说明"].iter_rows(min_row=2, values_only=True)]
    assert "数据范围编号" in guide
