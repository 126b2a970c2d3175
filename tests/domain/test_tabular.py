"""Export helpers: BOM, formula neutralization, numbers kept numeric, streaming, xlsx as text."""
import csv
import io
from datetime import datetime, timezone

from openpyxl import load_workbook

from studyapp.domain import tabular


def test_csv_starts_with_bom_and_streams_one_chunk_per_row():
    chunks = list(tabular.csv_rows(["姓名", "分数"], iter([["张三", 90], ["李四", 85]])))
    assert len(chunks) == 3
    assert chunks[0] == "\ufeff姓名,分数\r\n"
    assert chunks[1] == "张三,90\r\n"


def test_csv_rows_is_lazy():
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield [n]

    stream = tabular.csv_rows(["n"], rows())
    next(stream)
    assert consumed == []  # header only: no row was read yet


def test_formula_cells_are_neutralized_numbers_stay_numbers():
    text = tabular.csv_text(["a", "b", "c"], [["=HYPERLINK(\"x\")", "+1", -5], ["@SUM(A1)", "\tx", "-2"],
                                              ["\rcr", "正常", None]])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["'=HYPERLINK(\"x\")", "'+1", "-5"]  # the number -5 is left alone
    assert rows[2] == ["'@SUM(A1)", "'\tx", "'-2"]  # the text "-2" is not
    assert rows[3] == ["'\rcr", "正常", ""]


def test_datetimes_are_readable():
    when = datetime(2026, 5, 1, 9, 30, tzinfo=timezone.utc)
    assert tabular.csv_text(["t"], [[when]]).endswith("2026-05-01 09:30\r\n")


def test_xlsx_keeps_formulas_as_text_and_numbers_numeric():
    data = tabular.xlsx_bytes(["姓名", "分数"], [["=1+1", 90], ["王五", 72.5]], sheet_title="成绩/一季度")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "成绩_一季度"
    # Stored as a string cell, not a formula ("f"): Excel shows the text and never evaluates it.
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 90 and sheet["B3"].value == 72.5


def test_export_filename_drops_path_characters():
    assert tabular.export_filename("签到/第一党支部:5月", "csv") == "签到_第一党支部_5月.csv"
    assert tabular.export_filename("..", "xlsx") == "export.xlsx"
