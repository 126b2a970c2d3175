"""Question-bank formats: round trips, foreign formats, and every kind of bad input with its place."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from studyapp.domain.problems import Collector
from studyapp.domain.questions import (HEADERS, QuestionDraft, content_checksum, read_bank, validate, write_text,
                                       write_xlsx)

DRAFTS = [
    QuestionDraft("q-1", "single", "一个党支部的党员人数一般不超过多少人？", [("A", "30人"), ("B", "50人"), ("C", "100人")],
                  "B", "第四条。", 1, 2, 4, ["组织设置", "数字"]),
    QuestionDraft("q-2", "multiple", "联合党支部的组建原则包括：\n\n- 见第五条", [("A", "地域相邻"), ("B", "行业相近"),
                  ("C", "人数相同")], ["A", "B"], "第五条：\n地域相邻、行业相近。", 2, 2, 5, []),
    QuestionDraft("q-3", "true_false", "支部委员会会议须有三分之二以上的委员到会。", [], False, "第十二条。", 3, 4, 12, ["易混淆"]),
    QuestionDraft("q-4", "fill_blank", "党员大会一般每___召开1次，支委会一般每___召开1次。", [],
                  [["季度", "季"], ["月", "个月"]], "第十一、十二条。", 1, 4, None, []),
    QuestionDraft("q-5", "true_false", "下一行看起来像字段\n答案: 对\nA. 也像选项", [], True, "续行以空格开头。", 2, 1, None, []),
]


def read(data: bytes, name: str, **options):
    problems = Collector(name)
    bank = read_bank(data, name, problems, **options)
    return bank, [str(p) for p in problems.problems]


def xlsx(rows, header=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**cells):
    values = dict.fromkeys(HEADERS, None)
    values.update({"题型": "单选", "题干": "党支部党员人数一般不超过多少人？", "选项A": "30人", "选项B": "50人",
                   "答案": "B", "解析": "第四条。", "难度": 1, "章": 2, "条": 4}, **cells)
    return [values[h] for h in HEADERS]


# ---- round trips ------------------------------------------------------------------------------

def test_text_format_round_trip():
    bank, problems = read(write_text(DRAFTS).encode(), "bank.txt", require_keys=True)
    assert problems == []
    assert [item.draft for item in bank.items] == DRAFTS


def test_xlsx_round_trip_gives_the_same_questions_with_their_keys():
    bank, problems = read(write_xlsx(DRAFTS[:4]), "bank.xlsx")
    assert problems == []
    assert [item.draft for item in bank.items] == DRAFTS[:4]
    assert [item.line for item in bank.items] == [2, 3, 4, 5]


def test_xlsx_export_uses_the_chinese_template_headers():
    sheet = load_workbook(io.BytesIO(write_xlsx(DRAFTS[:1]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("题型", "题干", "选项A") and rows[0][-7:] == ("答案", "解析", "难度", "章", "条", "标签", "编号")
    assert rows[1][0] == "单选" and rows[1][-5:] == (1, 2, 4, "组织设置, 数字", "q-1")


# ---- GIFT and Aiken ---------------------------------------------------------------------------

GIFT = """\
// 第四章 党支部的工作机制
$CATEGORY: 4/12
::g1:: 支部委员会会议须有多少委员到会方能召开？ {=半数以上 ~三分之二以上 ~全体委员 ####第十二条。}

::g2:: 下列属于党支部工作机制的有 {
~%50%党员大会
~%50%支部委员会会议
~%-100%党员代表大会
}

$CATEGORY: 第4章/第11条
::g3:: 党员大会一般每季度召开1次。 {T ####第十一条。}

::g4:: 党员大会一般每{=季度 =季}召开1次。
"""


def test_gift_parses_each_question_type():
    bank, problems = read(GIFT.encode(), "bank.gift")
    assert problems == []
    drafts = [item.draft for item in bank.items]
    assert [(d.key, d.qtype, d.answer, d.chapter_number, d.article_number) for d in drafts] == [
        ("g1", "single", "A", 4, 12), ("g2", "multiple", ["A", "B"], 4, 12),
        ("g3", "true_false", True, 4, 11), ("g4", "fill_blank", [["季度", "季"]], 4, 11)]
    assert drafts[0].options[1] == ("B", "三分之二以上") and drafts[0].explanation_md == "第十二条。"
    assert drafts[3].stem_md == "党员大会一般每___召开1次。"
    assert [item.line for item in bank.items] == [3, 5, 12, 14]


def test_gift_without_answers_is_reported_with_its_line():
    _bank, problems = read("$CATEGORY: 1\n\n::x:: 没有答案的题\n".encode(), "b.gift")
    assert problems == ["b.gift，第3行：GIFT 题目缺少答案部分 {…}"]


AIKEN = """\
支部委员会会议须有多少委员到会方能召开？
A. 半数以上
B. 三分之二以上
ANSWER: A

党支部的工作机制包括
A) 党员大会
B) 支部委员会会议
C) 党员代表大会
ANSWER: AB
"""


def test_aiken_parses_with_the_chapter_given_on_import():
    bank, problems = read(AIKEN.encode(), "bank.aiken", default_chapter=4, default_article=12)
    assert problems == []
    assert [(i.line, i.draft.qtype, i.draft.answer, i.draft.chapter_number, i.draft.article_number)
            for i in bank.items] == [(1, "single", "A", 4, 12), (6, "multiple", ["A", "B"], 4, 12)]


def test_aiken_without_a_chapter_says_so():
    _bank, problems = read(AIKEN.encode(), "bank.aiken")
    assert problems == ["bank.aiken，第1行，章字段：缺少章号", "bank.aiken，第6行，章字段：缺少章号"]


# ---- encodings -------------------------------------------------------------------------------

def test_bom_and_gbk_text_are_read_and_gbk_is_noted():
    text = write_text(DRAFTS[:2])
    bank, problems = read(b"\xef\xbb\xbf" + text.encode(), "bom.txt")
    assert problems == [] and len(bank.items) == 2 and bank.note is None
    bank, problems = read(text.encode("gbk"), "gbk.txt")
    assert problems == [] and [i.draft for i in bank.items] == DRAFTS[:2]
    assert "GBK" in bank.note


def test_binary_garbage_is_refused_clearly():
    _bank, problems = read(bytes(range(256)) * 4, "bank.txt")
    assert problems == ["bank.txt：这不是文本文件（可能是 Excel 或其他二进制文件）；Excel 题库请以 .xlsx 扩展名上传"]
    _bank, problems = read(b"not a zip", "bank.xlsx")
    assert problems == ["bank.xlsx：无法读取 Excel 文件，请确认是 .xlsx 格式（不是 .xls 或改了扩展名的文件）"]
    _bank, problems = read(b"x", "bank.doc")
    assert problems == ["bank.doc：不支持的文件类型，请上传 .xlsx、.txt（文本格式）、.gift 或 .aiken 文件"]


# ---- bad input, each reported with its place ---------------------------------------------------

BAD_TEXT = """\
## a-1 单选
题干: 党支部党员人数一般不超过多少人？
A. 30人
B. 50人
解析: 第四条。
章: 2

## a-2 单选
题干: 党支部党员人数一般不超过多少人（二）？
A. 30人
B. 50人
答案: E
解析: 第四条。
章: 2

## a-3 简答
题干: 谈谈体会。
答案: 略
解析: 无。
章: 1

## a-4 判断
题干:
答案: 对
解析: 第一条。
章: 1

## a-5 填空
题干: 党员大会一般每___召开1次。
答案: 季度; 月
解析: 第十一条。
难度: 5
章: 4

## a-6 多选
题干: 选出正确的一项。
A. 甲
C. 乙
答案: A
解析: 无。
章: 1

## a-2 判断
题干: 党支部党员人数一般不超过多少人（二）？
答案: 对
"""


def test_every_problem_of_a_text_file_is_reported_with_its_line():
    bank, problems = read(BAD_TEXT.encode(), "bad.txt", require_keys=True)
    assert problems == [
        "bad.txt，第1行，答案字段：缺少答案",
        "bad.txt，第12行，答案字段：答案 E 不在选项中（选项为 AB）",
        "bad.txt，第16行，题型字段：未知题型“简答”，应为 单选、多选、判断 或 填空",
        "bad.txt，第23行，题干字段：题干不能为空",
        "bad.txt，第30行，答案字段：题干有1个空，答案却有2组（各空答案用“;”分隔）",
        "bad.txt，第32行，难度字段：难度应为 1、2 或 3，而不是“5”",
        "bad.txt，第37行，选项字段：选项字母应从A起连续排列，而不是 AC",
        "bad.txt，第39行，答案字段：多选题至少要有2个正确答案（只有一个请用单选题）",
        "bad.txt，第43行，解析字段：缺少解析（每道题都要有解析）",
        "bad.txt，第43行，章字段：缺少章号",
        "bad.txt，第43行，编号字段：编号 a-2 与第8行的题目重复",
    ]


def test_lines_outside_any_question_are_reported():
    _bank, problems = read("题干: 没有题头\n".encode(), "x.txt")
    assert problems == ["x.txt，第1行：题目应以“## 编号 题型”一行开始"]


def test_every_problem_of_a_spreadsheet_is_reported_with_row_and_column():
    data = xlsx([
        row(),
        row(答案=None),
        row(答案="D"),
        row(题型="问答"),
        row(题干="  "),
        row(题干="=HYPERLINK(\"http://x\")", 选项A="@SUM(A1)"),
        row(题干="党支部党员人数一般不超过多少人？"),
        row(章="第二章节"),
    ])
    bank, problems = read(data, "bank.xlsx")
    assert problems == [
        "bank.xlsx，第3行，“答案”列：缺少答案",
        "bank.xlsx，第4行，“答案”列：答案 D 不在选项中（选项为 AB）",
        "bank.xlsx，第5行，“题型”列：未知题型“问答”，应为 单选、多选、判断 或 填空",
        "bank.xlsx，第6行，“题干”列：题干不能为空",
        "bank.xlsx，第7行，“题干”列：单元格是公式“=HYPERLINK(\"http://x”，请改为纯文本（复制后“选择性粘贴 → 值”）",
        "bank.xlsx，第8行，“题干”列：与第2行的题目重复（题干、选项和答案相同）",
        "bank.xlsx，第9行，“章”列：“第二章节”不是整数",
    ]


def test_a_real_formula_cell_is_refused():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(row(题干="=1+1"))  # openpyxl writes a string starting with "=" as a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    _bank, problems = read(buffer.getvalue(), "f.xlsx")
    assert problems == ["f.xlsx，第2行，“题干”列：单元格是公式“=1+1”，请改为纯文本（复制后“选择性粘贴 → 值”）"]


def test_missing_required_headers_are_reported_on_row_one():
    _bank, problems = read(xlsx([["单选", "题"]], header=["题型", "备注"]), "h.xlsx")
    assert problems == ["h.xlsx，第1行：缺少必填列“题干”（表头应在第1行，可下载模板对照）",
                        "h.xlsx，第1行：缺少必填列“答案”（表头应在第1行，可下载模板对照）",
                        "h.xlsx，第1行：缺少必填列“章”（表头应在第1行，可下载模板对照，或在导入页面填写章）"]


# ---- fill-in answers and checksums --------------------------------------------------------------

def test_fill_in_answers_are_split_into_blanks_and_alternatives():
    text = "## f-1 填空\n题干: 不超过___人，每___召开。\n答案: ５０ | 五十 ；季度｜季\n解析: 第四条。\n章: 2\n"
    bank, problems = read(text.encode(), "f.txt")
    assert problems == []
    assert bank.items[0].draft.answer == [["５０", "五十"], ["季度", "季"]]


def test_fill_in_answer_of_only_punctuation_is_refused():
    draft = QuestionDraft("f", "fill_blank", "每___召开。", answer=[["。"]], chapter_number=1)
    assert [issue.message for issue in validate(draft)] == ["第1个空的答案是空的（或只有标点）"]


def test_checksum_sees_through_spacing_width_punctuation_and_option_order():
    a = QuestionDraft("a", "single", "党员人数不超过多少人？", [("A", "30人"), ("B", "50人")], "B", chapter_number=2)
    b = QuestionDraft("b", "single", " 党员人数不超过多少人? ", [("A", "５０人"), ("B", "30人")], "A",
                      explanation_md="other", chapter_number=3)
    c = QuestionDraft("c", "single", "党员人数不超过多少人？", [("A", "30人"), ("B", "50人")], "A", chapter_number=2)
    assert content_checksum(a) == content_checksum(b) != content_checksum(c)


@pytest.mark.parametrize("draft, message", [
    (QuestionDraft("x", "single", "题", [("A", "甲")], "A", chapter_number=1), "选择题至少要有2个选项"),
    (QuestionDraft("x", "true_false", "题", [("A", "甲")], True, chapter_number=1), "判断题不应有选项"),
    (QuestionDraft("x", "fill_blank", "没有空", [], [["甲"]], chapter_number=1),
     "填空题的题干中没有空（用三个或更多下划线 ___ 表示一个空）"),
    (QuestionDraft("x", "true_false", "题", [], "对", chapter_number=1), "判断题的答案应为“对”或“错”"),
])
def test_validate_messages(draft, message):
    assert [issue.message for issue in validate(draft)] == [message]


def test_a_line_after_a_one_character_field_continues_that_field_not_an_option():
    # Found by the importer fuzzer: 章 is one character, like an option letter, and a stray line after it
    # crashed the reader when the question had no option yet.
    problems = Collector()
    text = "## k-1 单选\n章: 1\n1. [单选] 党支部党员人数一般不超过多少人？\n"
    read_bank(text.encode(), "bank.txt", problems)
    assert problems.problems  # reported (no stem, no options), never raised
