"""Importers under hostile input: any bytes give ValidationFailed or a result, never another exception;
a refused import writes nothing; zip bombs and escaping archive paths are refused before unpacking."""
from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from studyapp.domain import archives
from studyapp.domain.problems import Collector, ValidationFailed
from studyapp.domain.questions import read_bank
from studyapp.domain.roster import parse_roster
from studyapp.models import Question, User
from studyapp.services.questions import import_bank
from studyapp.services.roster import import_roster
from tests.conftest import FIXED_NOW

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

BANK_LINES = st.sampled_from([
    "1. [单选] 党支部党员人数一般不超过多少人？", "A. 30人", "B. 50人", "答案：B", "解析：第四条", "章：1", "条：4",
    "::q1:: 题干 {=对 ~错}", "$CATEGORY: 第1章", "ANSWER: A", "{", "}", "=", "~", "#", "\\", "", "答案：", "[多选]",
    "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "\x00", "\ufeff", "第一章", "题型：判断", "答案：对",
    # GIFT as Moodle writes it (issue 17): weights, matching, numeric, missing word, formats, escapes, feedback
    "::w:: 每{~月 ~%50%半年 =季度}召开 {T}", "=a -> b", "{#1822:1}", "{#=1822:0 =%50%1822:2}", "~%-33%乙",
    "::" + "长" * 300 + ":: 题 {T}", "[html]<pre>  x</pre>", "\\\\ \\{ \\}", "FALSE#错#对####总",
    "$CATEGORY: $course$/top/第2单元",
    "// [tag:标签]", "(A) 30人", "Ａ．50人", "a. 小写", "（　）", "ANSWER: ａｂ", "## k-1 单选题",
])
TEXTY = st.one_of(
    st.lists(BANK_LINES, max_size=25).map(lambda lines: "\n".join(lines).encode("utf-8")),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=400),
)


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CELLS = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                  st.sampled_from(["单选", "多选", "判断", "填空", "B", "A,C", "对", "1", "第一章", "=1+1", "13800000000",
                                   "党员", "组织员", "第一党支部", "姓名", "党员编号", "所属支部", "题型", "题干", "答案"]),
                  st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20))
SHEETS = st.lists(st.lists(CELLS, max_size=8), max_size=8)


@FUZZ
@given(data=TEXTY, suffix=st.sampled_from(["txt", "gift", "aiken", "xlsx", "doc"]))
def test_bank_reader_never_crashes(data, suffix):
    problems = Collector("bank")
    read_bank(data, f"bank.{suffix}", problems)  # problems are collected, nothing raised


CHOICE = st.lists(st.tuples(st.sampled_from("=~"), st.one_of(st.none(), st.integers(-100, 100))),
                  min_size=2, max_size=8)


@FUZZ
@given(entries=CHOICE)
def test_gift_choice_keys_follow_moodle_or_the_question_is_refused(entries):
    """Moodle: any "=" makes single choice with that key; otherwise the positive weights are the keys."""
    assume(any(mark == "~" for mark, _w in entries))  # without "~" it is a short answer
    body = " ".join(f"{mark}{'' if weight is None else f'%{weight}%'}选项{n}" for n, (mark, weight) in enumerate(entries))
    problems = Collector("w.gift")
    bank = read_bank(f"::q:: 题 {{{body}}}".encode(), "w.gift", problems, default_chapter=1)
    letters = "ABCDEFGH"
    equal = [letters[n] for n, (mark, _w) in enumerate(entries) if mark == "="]
    positive = [letters[n] for n, (mark, weight) in enumerate(entries) if mark == "~" and weight and weight > 0]
    if len(equal) > 1 or (not equal and not positive):
        assert bank.items == [] or problems.problems  # refused, never guessed
        return
    assert not problems.problems
    draft = bank.items[0].draft
    if equal:
        assert (draft.qtype, draft.answer) == ("single", equal[0])
    elif len(positive) == 1:
        assert (draft.qtype, draft.answer) == ("single", positive[0]) and bank.warnings
    else:
        assert (draft.qtype, draft.answer) == ("multiple", positive)


@FUZZ
@given(rows=SHEETS)
def test_bank_xlsx_reader_never_crashes(rows):
    read_bank(_xlsx(rows), "bank.xlsx", Collector("bank.xlsx"))


@FUZZ
@given(data=st.one_of(TEXTY, SHEETS.map(_xlsx)), suffix=st.sampled_from(["csv", "xlsx", "txt"]))
def test_roster_parser_raises_only_validation_failed(data, suffix):
    try:
        parse_roster(data, f"roster.{suffix}")
    except ValidationFailed as failed:
        assert failed.problems


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(TEXTY, SHEETS.map(_xlsx)), suffix=st.sampled_from(["txt", "gift", "aiken", "xlsx"]))
def test_bank_import_is_all_or_nothing(db, bank_module, admin, data, suffix):
    before = db.session.scalar(select(func.count()).select_from(Question))
    good = "1. [单选] 党支部党员人数一般不超过多少人？\nA. 30人\nB. 50人\n答案：B\n章：1\n条：1\n\n".encode()
    try:
        import_bank(db.session, admin, bank_module, good + data if suffix != "xlsx" else data,
                    f"bank.{suffix}", FIXED_NOW, default_chapter=1, default_article=1)
    except ValidationFailed:
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Question)) == before
    else:
        db.session.rollback()  # accepted files are fine too; keep the bank the same for the next example


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=SHEETS)
def test_roster_import_is_all_or_nothing(db, admin, branch_a, rows):
    header = ["姓名", "党员编号", "所属支部", "手机号", "角色"]
    data = _xlsx([header, ["张三", "p0001", "第一党支部", "13800000000", "党员"], *rows])
    before = db.session.scalar(select(func.count()).select_from(User))
    try:
        import_roster(db.session, admin, parse_roster(data, "roster.xlsx"), FIXED_NOW)
    except ValidationFailed:
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(User)) == before
    else:
        db.session.rollback()


# ---- archives -----------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


def _bomb() -> bytes:
    """A valid-looking .xlsx whose one sheet inflates to 300 MB of zeros (about 300 KB on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                entry.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return _bomb()


def test_zip_bomb_disguised_as_xlsx_is_refused_quickly(bomb):
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    problems = Collector("bank.xlsx")
    read_bank(bomb, "bank.xlsx", problems)
    with pytest.raises(ValidationFailed) as roster:
        parse_roster(bomb, "roster.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 20 * 1024 * 1024
    assert any("压缩炸弹" in p.message for p in problems.problems)
    assert any("压缩炸弹" in p.message for p in roster.value.problems)


def test_archive_guard_refuses_paths_outside_and_too_many_entries():
    for name in ("../evil.xml", "/etc/passwd", "xl/../../evil", "C:/evil.xml", "..\\evil.xml"):
        with pytest.raises(archives.UnsafeArchive):
            archives.check_zip(_zip({name: b"x"}))
    with pytest.raises(archives.UnsafeArchive):
        archives.check_zip(_zip({f"f{n}.xml": b"x" for n in range(archives.MAX_ENTRIES + 1)}))
    archives.check_zip(_xlsx([["题型", "题干"]]))  # a real workbook passes


def test_bomb_upload_through_the_web_is_a_page_with_the_problem(app, db, client, auth, admin, bomb):
    auth.login(admin)
    response = client.post("/admin/roster", data={"file": (io.BytesIO(bomb), "roster.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "压缩炸弹" in response.get_data(as_text=True)


# ---- sparse sheets: a few KB that declare (or hold) cells far away ------------------------------

MEMORY_CEILING = 512 * 1024 * 1024
SPARSE_SCRIPT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from studyapp.domain.problems import Collector, ValidationFailed
from studyapp.domain.questions import read_bank
from studyapp.domain.roster import parse_roster
data = open(sys.argv[1], "rb").read()
if sys.argv[2] == "bank":
    problems = Collector("bank.xlsx")
    read_bank(data, "bank.xlsx", problems, default_chapter=1)
    print("\\n".join(str(p) for p in problems.problems))
else:
    try:
        parse_roster(data, "roster.xlsx")
    except ValidationFailed as failed:
        print(failed)
"""


def _without_dimension(data: bytes) -> bytes:
    """The workbook with its sheet's <dimension> element removed, as some writers produce."""
    import re

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = re.sub(rb"<dimension[^>]*/>", b"", body)
            target.writestr(item.filename, body)
    return out.getvalue()


def _sparse(header: list[str], cells: list[str], dimension: bool = True) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for column, title in enumerate(header, start=1):
        sheet.cell(row=1, column=column, value=title)
    for ref in cells:
        sheet[ref] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue() if dimension else _without_dimension(out.getvalue())


BANK_HEADER = ["题型", "题干", "选项A", "选项B", "答案", "章"]
ROSTER_HEADER = ["姓名", "党员编号", "所属支部"]
LIMIT_MESSAGE = "一次最多导入20000行×50列"


def _run_capped(tmp_path, data: bytes, kind: str) -> str:
    import subprocess
    import sys

    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", SPARSE_SCRIPT.format(limit=MEMORY_CEILING), str(path), kind],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]  # a MemoryError under the ceiling fails here
    return done.stdout


@pytest.mark.parametrize("kind, header", [("bank", BANK_HEADER), ("roster", ROSTER_HEADER)])
def test_a_4kb_sheet_declaring_a_far_cell_is_refused_within_a_memory_ceiling(tmp_path, kind, header):
    data = _sparse([], ["XFD20000"])
    assert len(data) < 6000  # the 4.8 KB file of the report
    assert "表格过大（20000行×16384列）：一次最多导入20000行×50列" in _run_capped(tmp_path, data, kind)
    rows = _run_capped(tmp_path, _sparse(header, ["A1048576"]), kind)
    assert "表格过大（1048576行×" in rows and LIMIT_MESSAGE in rows


@pytest.mark.parametrize("kind, header", [("bank", BANK_HEADER), ("roster", ROSTER_HEADER)])
def test_far_cells_without_a_declared_size_never_widen_a_row_past_the_header(tmp_path, kind, header):
    # 20,000 rows each holding a cell in the last column, and no <dimension> to refuse them by.
    data = _sparse(header, [f"XFD{row}" for row in range(2, 20_001)], dimension=False)
    out = _run_capped(tmp_path, data, kind)
    assert "只有表头" in out  # the far cells lie outside the header's columns: blank rows, no memory


@pytest.mark.parametrize("kind, header", [("bank", BANK_HEADER), ("roster", ROSTER_HEADER)])
def test_more_rows_than_the_limit_are_refused_even_without_a_declared_size(tmp_path, kind, header):
    data = _sparse(header, [f"A{row}" for row in range(2, 20_003)], dimension=False)
    assert "表格过大（超过20000行）：一次最多导入20000行×50列" in _run_capped(tmp_path, data, kind)
