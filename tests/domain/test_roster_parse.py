"""Reading roster files: encodings, Excel, and every problem reported with its row and column."""
import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from studyapp.domain import sheets
from studyapp.domain.problems import ValidationFailed
from studyapp.domain.roster import parse_roster, template_rows

HEADER = "姓名,党员编号,所属支部,手机号,角色\r\n"


def csv_bytes(text: str, encoding="utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(data: bytes, filename="roster.csv") -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_roster(data, filename)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes(encoding):
    text = HEADER + "王建国,DY001,第一党支部,138 0000 1111,组织员\r\n李秀英,DY002,第二党支部,,\r\n"
    records = parse_roster(csv_bytes(text, encoding), "名册.csv")
    assert [(r.row, r.name, r.username, r.branch, r.phone, r.role) for r in records] == [
        (2, "王建国", "DY001", "第一党支部", "13800001111", "organizer"),
        (3, "李秀英", "DY002", "第二党支部", None, None),
    ]


def test_csv_with_old_mac_line_endings_is_read_row_by_row():
    # Found by the importer fuzzer: a bare \r used to raise the csv module's own error, not a clear problem.
    text = HEADER.replace("\r\n", "\r").replace("\n", "\r") + "王建国,DY001,第一党支部,,\r李秀英,DY002,第二党支部,,\r"
    records = parse_roster(text.encode(), "名册.csv")
    assert [(r.row, r.username) for r in records] == [(2, "DY001"), (3, "DY002")]


def test_csv_the_csv_module_cannot_read_is_refused_with_its_line():
    text = HEADER + "王建国,DY001,第一党支部,,\n" + "李秀英," + "长" * (csv.field_size_limit() + 1) + ",第二党支部,,\n"
    (problem,) = problems_of(text.encode(), "名册.csv")
    assert problem[0] == 3 and "CSV 格式有误" in problem[2]


def test_login_name_header_is_accepted_and_extra_columns_ignored():
    text = "序号,姓名,登录名,所属支部\n1,王建国,wjg,第一党支部\n"
    (record,) = parse_roster(csv_bytes(text), "a.csv")
    assert record.username == "wjg" and record.phone is None


def test_xlsx_with_numeric_cells_and_blank_trailing_rows():
    data = xlsx_bytes([["姓名", "党员编号", "所属支部", "手机号"], ["王建国", 10001, "机关一支部", 13800001111],
                       [None, None, None, None]])
    (record,) = parse_roster(data, "roster.XLSX")
    assert (record.username, record.phone, record.branch_path) == ("10001", "13800001111", ("机关一支部",))


def test_nested_branch_path():
    (record,) = parse_roster(csv_bytes(HEADER + "王建国,A1,第一党总支 / 第二党支部,,\n"), "a.csv")
    assert record.branch_path == ("第一党总支", "第二党支部")


def test_every_problem_with_row_and_column():
    text = HEADER + "\n".join([
        "王建国,DY001,第一党支部,13800001111,党员",   # row 2: fine
        ",DY002,第一党支部,,",                          # row 3: no name
        "李秀英,dy001,第二党支部,,",                    # row 4: duplicate of row 2 (case-insensitive)
        "张三,bad id!,,12345,书记",                     # row 5: login, branch, phone, role
        "=HYPERLINK(\"x\"),DY005,@第一党支部,,",        # row 6: formulas
        "赵" * 65 + ",DY006,第一党支部,,",              # row 7: too long
    ]) + "\n"
    found = problems_of(csv_bytes(text))
    assert [(line, column) for line, column, _ in found] == [
        (2, "党员编号"), (3, "姓名"), (4, "党员编号"), (5, "所属支部"), (5, "党员编号"), (5, "手机号"),
        (5, "角色"), (6, "姓名"), (6, "所属支部"), (7, "姓名"),
    ]
    messages = "\n".join(message for _, _, message in found)
    assert "与第4行重复" in messages and "与第2行重复" in messages
    assert "公式" in messages and "最多64个字符" in messages and "11位" in messages and "未知角色" in messages


def test_problem_text_names_file_row_and_column():
    with pytest.raises(ValidationFailed) as caught:
        parse_roster(csv_bytes(HEADER + ",DY002,第一党支部,,\n"), "名册.csv")
    assert str(caught.value.problems[0]) == "名册.csv，第2行，“姓名”列：姓名不能为空"


def test_missing_headers_reported_on_row_one():
    found = problems_of(csv_bytes("姓名,电话\n王建国,1\n"))
    assert [(line, message) for line, _, message in found] == [
        (1, "缺少必填列“党员编号”或“登录名”（表头应在第1行）"), (1, "缺少必填列“所属支部”（表头应在第1行）")]


def test_both_login_headers_is_ambiguous():
    found = problems_of(csv_bytes("姓名,党员编号,登录名,所属支部\n王,a,b,c\n"))
    assert found[0][:2] == (1, "登录名")


@pytest.mark.parametrize("data,filename,expected", [
    (b"", "a.csv", "没有表头"),
    (HEADER.encode(), "a.csv", "没有人员"),
    (b"not a zip", "a.xlsx", "无法读取 Excel 文件"),
    (b"x", "a.xls", "只支持 .xlsx 或 .csv"),
    (b"\xff\xfe\x00\xd8garbage\x81", "a.csv", "无法识别文件编码"),
])
def test_unreadable_files_are_refused_clearly(data, filename, expected):
    assert expected in problems_of(data, filename)[0][2]


def test_template_round_trips_through_the_parser():
    header, rows = template_rows()
    for data, name in ((sheets.to_xlsx(header, rows), "t.xlsx"), (sheets.to_csv(header, rows), "t.csv")):
        (record,) = parse_roster(data, name)
        assert record.name == "张三" and record.role == "member"


def test_csv_export_has_bom_and_neutralizes_formulas():
    data = sheets.to_csv(["a", "b"], [["=1+1", "-2"], ["@x", "\tfoo"], ["ok", 3]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1:] == [["'=1+1", "'-2"], ["'@x", "'\tfoo"], ["ok", "3"]]


def test_xlsx_export_stores_formula_like_text_as_text():
    data = sheets.to_xlsx(["a"], [["=SUM(1,2)"]])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.value == "=SUM(1,2)" and cell.data_type == "s"
