"""flask ledger-report YEAR --output FILE.xlsx [--unit NAME]: the same workbook as the organizer page."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.conftest import FIXED_NOW


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


def test_ledger_report_for_the_organization_and_for_one_branch(runner, organizer_a, organizer_b, branch_a, branch_b,
                                                              make_activity, tmp_path):
    make_activity(organizer_a, branch_a, topic="@SUM(1)")
    out = tmp_path / "台账.xlsx"
    result = runner.invoke(args=["ledger-report", "2026", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "2026年：2 个支部" in result.output
    book = load_workbook(out)
    assert {row[0] for row in book["汇总"].iter_rows(min_row=2, values_only=True)} == {"第一党支部", "第二党支部"}
    cell = book["支委会"].cell(2, 6)
    assert cell.value == "@SUM(1)" and cell.data_type == "s"
    one = tmp_path / "一支部.xlsx"
    result = runner.invoke(args=["ledger-report", "2026", "--output", str(one), "--unit", "第二党支部"])
    assert result.exit_code == 0 and "1 个支部" in result.output
    assert [r[0] for r in load_workbook(one)["汇总"].iter_rows(min_row=2, values_only=True)] == ["第二党支部"]


def test_ledger_report_names_an_unknown_unit(runner, org, tmp_path):
    result = runner.invoke(args=["ledger-report", "2026", "--output", str(tmp_path / "x.xlsx"), "--unit", "不存在"])
    assert result.exit_code != 0 and "没有名为“不存在”的组织或支部" in result.output
