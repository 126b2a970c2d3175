"""Bank files as Chinese organizers write them: exam-system Excel templates (made here with openpyxl),
typed option labels and blanks in the text format, .txt files in other formats, UTF-16 text."""
from __future__ import annotations

import io

from openpyxl import Workbook

from studyapp.domain.problems import Collector
from studyapp.domain.questions import read_bank
from studyapp.domain.questions.xlsxfmt import header_name


def read(data: bytes, name: str, **options):
    problems = Collector(name)
    bank = read_bank(data, name, problems, **options)
    return bank, [str(p) for p in problems.problems], [str(w) for w in bank.warnings]


def workbook(rows: list[list[object]], *, text_cells: bool = True) -> bytes:
    """A workbook as Excel saves it: strings typed into cells are text, never formulas."""
    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if text_cells and isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "-1" or "=x" typed as text as a formula otherwise
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXAM_SYSTEM_HEADER = ["序号", "题目类型（必填）", "题目内容*", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F",
                      "正确答案", "答案解析", "难易程度"]


def test_exam_system_template_with_synonyms_decorations_and_no_chapter_column():
    rows = [
        EXAM_SYSTEM_HEADER,
        [1, "单选题", "党支部党员人数一般不超过多少人？", "A、30人", "B．50人", "C. 100人", None, None, None, "ｂ", "第四条。", 1],
        [2, "多选题", "联合党支部的组建原则包括", "地域相邻", "行业相近", "人数相同", None, None, None, "ＡＢ", "第五条。", 2],
        [3, "判断题", "支部委员会会议须有三分之二以上的委员到会。", None, None, None, None, None, None, "错误", "半数以上。", 2],
        [4, "填空题", "党员大会一般每（　）召开1次。", None, None, None, None, None, None, "季度", "第十一条。", 1],
        [5, "单选", "气温从-1℃升到+5℃，升高了多少度？", -1, "+5℃", 6, "=7", None, None, "Ｃ", "算术。", 3],
    ]
    bank, problems, warnings = read(workbook(rows), "exam.xlsx", default_chapter=4, default_article=11)
    assert problems == []
    assert [(d.qtype, d.stem_md, d.options, d.answer, d.difficulty, d.chapter_number, d.article_number)
            for d in (item.draft for item in bank.items)] == [
        ("single", "党支部党员人数一般不超过多少人？", [("A", "30人"), ("B", "50人"), ("C", "100人")], "B", 1, 4, 11),
        ("multiple", "联合党支部的组建原则包括", [("A", "地域相邻"), ("B", "行业相近"), ("C", "人数相同")], ["A", "B"], 2, 4, 11),
        ("true_false", "支部委员会会议须有三分之二以上的委员到会。", [], False, 2, 4, 11),
        ("fill_blank", "党员大会一般每___召开1次。", [], [["季度"]], 1, 4, 11),
        # Numbers and text that merely start with - + = are data, not formulas.
        ("single", "气温从-1℃升到+5℃，升高了多少度？", [("A", "-1"), ("B", "+5℃"), ("C", "6"), ("D", "=7")], "C", 3, 4, 11),
    ]
    assert warnings == ["exam.xlsx，第2行，“选项A”列：去掉了选项开头重复的标号“A、”",
                        "exam.xlsx，第2行，“选项B”列：去掉了选项开头重复的标号“B．”",
                        "exam.xlsx，第2行，“选项C”列：去掉了选项开头重复的标号“C.”"]


def test_without_a_chapter_column_the_form_must_name_the_chapter():
    rows = [EXAM_SYSTEM_HEADER, [1, "判断", "党员大会每季度召开一次。", None, None, None, None, None, None, "对", "", 1]]
    _bank, problems, _ = read(workbook(rows), "exam.xlsx")
    assert problems == ["exam.xlsx，第1行：缺少必填列“章”（表头应在第1行，可下载模板对照，或在导入页面填写章）"]


def test_only_real_formula_cells_are_refused():
    rows = [["题型", "题干", "选项A", "选项B", "答案", "章"], ["单选", "=1+1", "-1", "+5℃", "A", 1]]
    data = workbook(rows, text_cells=False)  # openpyxl stores "=1+1" as a formula, like typing it into Excel
    _bank, problems, _ = read(data, "f.xlsx")
    assert problems == ["f.xlsx，第2行，“题干”列：单元格是公式“=1+1”，请改为纯文本（复制后“选择性粘贴 → 值”）"]


def test_question_row_followed_by_option_rows_is_refused_with_the_expected_layout():
    rows = [["题型", "题目", "答案", "解析"],
            [1, "党支部党员人数一般不超过多少人？", "B", "第四条。"],
            [None, "A、30人", None, None],
            [None, "B、50人", None, None]]
    bank, problems, _ = read(workbook(rows), "rows.xlsx", default_chapter=2)
    assert bank.items == []
    assert problems == ["rows.xlsx，第2行：这个文件像是“一行题目、下面几行是选项”的格式（题型写成 1/2/3/4），本系统不支持。"
                        "请改为每道题一行：题型 | 题干 | 选项A | 选项B | … | 答案 | 解析 | 章，"
                        "题型写 单选、多选、判断 或 填空（可下载模板对照）"]


def test_header_names_resolve_synonyms_and_decorations():
    assert [header_name(h) for h in ("试题内容（必填）", "题目类型", "试题类型*", "正确答案", "解析", "答案解析 ",
                                     "选项Ａ", "A", "章(选填)", "题目编号")] == [
        "题干", "题型", "题型", "答案", "解析", "解析", "选项A", "选项A", "章", "编号"]


# ---- the text format --------------------------------------------------------------------------

def test_text_format_reads_typed_option_labels_and_blanks():
    text = """\
## t-1 单选题
题干: 党支部党员人数一般不超过多少人？
(A) 30人
B) 50人
Ｃ．100人
d. 200人
答案: b
解析: 第四条。
章: 2

## t-2 填空
题干: 党员大会一般每（  ）召开1次，支委会一般每（　）召开1次。
答案: 季度; 月
解析: 第十一、十二条。
章: 4
"""
    bank, problems, _ = read(text.encode(), "bank.txt")
    assert problems == []
    first, second = (item.draft for item in bank.items)
    assert first.options == [("A", "30人"), ("B", "50人"), ("C", "100人"), ("D", "200人")] and first.answer == "B"
    assert second.stem_md == "党员大会一般每___召开1次，支委会一般每___召开1次。" and second.answer == [["季度"], ["月"]]


def test_text_that_only_looks_like_a_lowercase_label_stays_in_the_stem():
    text = "## t-3 判断\n题干: 下列说法正确：\ne.g. 党员大会\n答案: 对\n解析: 第十一条。\n章: 4\n"
    bank, problems, _ = read(text.encode(), "bank.txt")
    assert problems == [] and bank.items[0].draft.stem_md == "下列说法正确：\ne.g. 党员大会"


# ---- what a file is ---------------------------------------------------------------------------

AIKEN = "支部委员会会议须有多少委员到会方能召开？\nA. 半数以上\nB. 三分之二以上\nANSWER: A\n"
GIFT = "::g1:: 党员大会每季度召开一次。 {T}\n"


def test_txt_files_in_gift_or_aiken_are_read_as_such():
    bank, problems, _ = read(GIFT.encode(), "moodle-export.txt", default_chapter=4)
    assert problems == [] and bank.items[0].draft.key == "g1" and bank.note.startswith("文件内容是 Moodle GIFT 格式")
    bank, problems, _ = read(AIKEN.encode(), "aiken.txt", default_chapter=4)
    assert problems == [] and bank.items[0].draft.answer == "A" and "Aiken" in bank.note


def test_utf16_text_from_notepad_is_read():
    for encoded in (AIKEN.encode("utf-16"), AIKEN.encode("utf-16-le"), ("\ufeff" + AIKEN).encode("utf-16-be")):
        bank, problems, _ = read(encoded, "bank.aiken", default_chapter=4)
        assert problems == [] and bank.items[0].draft.stem_md == "支部委员会会议须有多少委员到会方能召开？"
