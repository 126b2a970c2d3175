"""flask report SITTING_ID: the same figures as the pages, in one workbook or several CSV files."""
from __future__ import annotations

import csv

from openpyxl import load_workbook

EVIL = "=1+2"


def test_report_xlsx_has_the_three_tables(runner, make_cohort, branch_a, branch_b, org, tmp_path):
    cohort = make_cohort({branch_a: 30, branch_b: 20}, seed=9, owner=org, names={2: EVIL})
    out = tmp_path / "结果.xlsx"
    result = runner.invoke(args=["report", str(cohort.sitting.id), "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0, result.output
    sat = sum(1 for r in cohort.records if r.counted)
    assert f"应考 {len(cohort.records)} 人，实考 {sat} 人" in result.output
    book = load_workbook(out)
    assert book.sheetnames == ["参考情况", "未参考名单", "成绩单", "成绩分布"]
    summary = list(book["参考情况"].iter_rows(values_only=True))
    row_a = next(r for r in summary if r[1] == branch_a.name)
    records_a = cohort.in_unit(branch_a)
    assert row_a[2:4] == (len(records_a), sum(1 for r in records_a if r.counted))
    chase = list(book["未参考名单"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in chase} == {r.user.username for r in cohort.records if not r.submitted}
    scores = {r[1]: r for r in book["成绩单"].iter_rows(min_row=2, values_only=True)}
    assert len(scores) == len(cohort.records)
    for record in cohort.records:
        assert scores[record.user.username][5] == (record.counted["score"] if record.counted else None)
    evil = cohort.records[1].user.username
    cell = next(r[2] for r in book["成绩单"].iter_rows(min_row=2) if r[1].value == evil)
    assert cell.data_type == "s" and cell.value == EVIL


def test_report_csv_writes_one_file_per_table(runner, make_cohort, branch_a, tmp_path):
    cohort = make_cohort({branch_a: 15}, seed=10, names={1: EVIL})
    out = tmp_path / "r.csv"
    result = runner.invoke(args=["report", str(cohort.sitting.id), "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith("\ufeff".encode())
    scores = list(csv.reader((tmp_path / "r-成绩单.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert scores[0][:3] == ["支部", "党员编号", "姓名"]
    assert len(scores) - 1 == len(cohort.records)
    assert any(row[2] == "'" + EVIL for row in scores)
    assert (tmp_path / "r-未参考名单.csv").exists() and (tmp_path / "r-成绩分布.csv").exists()


def test_report_unknown_sitting(runner, tmp_path):
    result = runner.invoke(args=["report", "999", "--output", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "场次 999 不存在" in result.output
