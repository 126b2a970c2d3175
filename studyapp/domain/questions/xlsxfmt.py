"""Excel (.xlsx) banks: one question per row under Chinese headers.

题型 | 题干 | 选项A … 选项H | 答案 | 解析 | 难度 | 章 | 条 | 标签 | 编号 — the header is row 1; problems name the
row and the column header. Headers as other exam systems write them are read too (HEADER_SYNONYMS, with
decorations such as "（必填）" or "*"), and so are their type words (单选题, 单项选择题 …). 章 may be left out
when the import form names the chapter. 编号 carries a question's key, so an exported file re-imported
into its module updates its questions instead of adding copies.

Only cells that really are formulas are refused (they could run on another organizer's computer when
exported again); a number such as -1 or text such as "+5℃" is data. The sheet's size is bounded by the
shared reader (domain.sheets.read_sheet) before anything is read.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from ..problems import Collector
from ..sheets import Formula, read_sheet, to_xlsx
from .draft import (F_ANSWER, F_ARTICLE, F_CHAPTER, F_DIFFICULTY, F_EXPLANATION, F_KEY, F_STEM, F_TAGS, F_TYPE,
                    MAX_KEY, OPTION_LETTERS, WORD_OF_TYPE, QuestionDraft, answer_text, letters_of, parse_answer,
                    parse_int, parse_tags, type_of, typed_blanks_to_underscores)
from .source import MAX_FILE_BYTES, Located

OPTION_HEADERS = [f"选项{letter}" for letter in OPTION_LETTERS]
HEADERS = [F_TYPE, F_STEM, *OPTION_HEADERS, F_ANSWER, F_EXPLANATION, F_DIFFICULTY, F_CHAPTER, F_ARTICLE, F_TAGS, F_KEY]
#: Other names for the template's headers, as Chinese exam systems' templates write them.
HEADER_SYNONYMS = {
    F_TYPE: ("题目类型", "试题类型", "类型"),
    F_STEM: ("题目内容", "试题内容", "题目", "试题", "题干内容"),
    F_ANSWER: ("正确答案", "标准答案", "参考答案"),
    F_EXPLANATION: ("答案解析", "试题解析", "解析说明"),
    F_DIFFICULTY: ("难易程度", "难易度"),
    F_KEY: ("题目编号", "试题编号"),
    **{header: (letter, f"{letter}选项") for letter, header in zip(OPTION_LETTERS, OPTION_HEADERS)},
}
_CANONICAL = {synonym: name for name, synonyms in HEADER_SYNONYMS.items() for synonym in synonyms}
REQUIRED = (F_TYPE, F_STEM, F_ANSWER, F_CHAPTER)
MAX_ROWS = 5000
WIDTHS = [8, 50, *[18] * len(OPTION_HEADERS), 10, 40, 6, 6, 6, 16, 16]
#: A label typed into an option cell, e.g. "A、3人", "B．5人", "(C) …".
_LABEL = re.compile(r"^[(（]?\s*([A-Za-zＡ-Ｚａ-ｚ])\s*[)）.．、:：]\s*")
OTHER_LAYOUT = ("这个文件像是“一行题目、下面几行是选项”的格式（题型写成 1/2/3/4），本系统不支持。"
                "请改为每道题一行：题型 | 题干 | 选项A | 选项B | … | 答案 | 解析 | 章，"
                "题型写 单选、多选、判断 或 填空（可下载模板对照）")


def read_xlsx(data: bytes, problems: Collector, chapter_given: bool = False) -> list[Located]:
    """Every question row of the first sheet; problems go to `problems` with row and column.
    `chapter_given`: the import names the chapter, so the 章 column may be left out."""
    if len(data) > MAX_FILE_BYTES:
        problems.add(f"文件过大（最多{MAX_FILE_BYTES // 1024 // 1024}MB）")
        return []
    sheet = read_sheet(data, problems, formulas=True)
    if sheet is None:
        return []
    if not sheet.header:
        problems.add("文件是空的，没有表头")
        return []
    columns = _columns(sheet.header, problems, chapter_given)
    if any(name not in columns for name in REQUIRED if name != F_CHAPTER or not chapter_given):
        return []
    if (row := _other_layout(sheet.rows, columns)) is not None:
        problems.add(OTHER_LAYOUT, row)
        return []
    items = []
    for number, cells in sheet.rows:
        values = {name: cells[index] for name, index in columns.items()}
        if all(value is None or value == "" for value in values.values()):
            continue  # a row with text only in columns the import does not read
        items.append(_row(number, values, problems))
    if not items and not problems.problems:
        problems.add("文件只有表头，没有题目")
    if len(items) > MAX_ROWS:
        problems.add(f"一次最多导入{MAX_ROWS}道题，请分批导入")
    return items


def header_name(raw: object) -> str:
    """A header cell as the template names it: decorations and synonyms resolved, e.g.
    "题目内容（必填）" → "题干", "正确答案*" → "答案", "选项Ａ" → "选项A"."""
    title = unicodedata.normalize("NFKC", _text(raw))
    title = re.sub(r"\s+", "", title).strip("*")
    title = re.sub(r"\([^()]*\)$", "", title).rstrip("*")  # （必填） is ( ) after NFKC
    return _CANONICAL.get(title, title)


def _columns(header: list[object], problems: Collector, chapter_given: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = header_name(raw)
        if name in HEADERS:
            if name in found:
                problems.add(f"表头“{_text(raw)}”与第{found[name] + 1}列同为“{name}”列", 1, _text(raw))
            found.setdefault(name, index)
    for name in REQUIRED:
        if name not in found and not (name == F_CHAPTER and chapter_given):
            hint = "，或在导入页面填写章" if name == F_CHAPTER else ""
            problems.add(f"缺少必填列“{name}”（表头应在第1行，可下载模板对照{hint}）", 1)
    return found


def _other_layout(rows: list[tuple[int, list[object]]], columns: dict[str, int]) -> int | None:
    """The first row that shows the question-row-then-option-rows layout: a numeric type code, or an
    option label in the stem column of a row without a type."""
    for number, cells in rows:
        kind = _text(cells[columns[F_TYPE]])
        stem = _text(cells[columns[F_STEM]])
        if kind in ("1", "2", "3", "4") or (not kind and _LABEL.match(stem)):
            return number
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "对" if value else "错"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _row(number: int, values: dict[str, object], problems: Collector) -> Located:
    located = Located(QuestionDraft(key=None, qtype="", stem_md=""), number, spreadsheet=True)
    texts = {}
    for name, value in values.items():
        if isinstance(value, Formula):
            located.report(problems, name, f"单元格是公式“{value[:20]}”，请改为纯文本（复制后“选择性粘贴 → 值”）")
            value = None
        texts[name] = _text(value)
    word = texts.get(F_TYPE, "")
    qtype = type_of(word)
    draft = located.draft
    draft.qtype, draft.explanation_md = qtype, texts.get(F_EXPLANATION, "")
    draft.stem_md = texts.get(F_STEM, "")
    if qtype == "fill_blank":
        draft.stem_md = typed_blanks_to_underscores(draft.stem_md)
    draft.tags = parse_tags(texts.get(F_TAGS, ""))
    draft.options = [(letter, _option(letter, texts.get(header, ""), located))
                     for letter, header in zip(OPTION_LETTERS, OPTION_HEADERS)]
    while draft.options and not draft.options[-1][1]:
        draft.options.pop()  # trailing empty option columns are simply unused
    if not word and F_TYPE not in located.reported:
        located.report(problems, F_TYPE, "缺少题型（单选、多选、判断 或 填空）")
    draft.answer, message = parse_answer(qtype, texts.get(F_ANSWER, ""))
    if message:
        located.report(problems, F_ANSWER, message)
    key = texts.get(F_KEY, "")
    if len(key) > MAX_KEY:
        located.report(problems, F_KEY, f"编号过长（最多{MAX_KEY}个字符）")
    draft.key = key[:MAX_KEY] or None
    for name, attribute, default in ((F_DIFFICULTY, "difficulty", 2), (F_CHAPTER, "chapter_number", None),
                                     (F_ARTICLE, "article_number", None)):
        try:
            value = parse_int(texts.get(name, ""))
        except ValueError:
            located.report(problems, name, f"“{texts[name][:20]}”不是整数")
            value = default
        setattr(draft, attribute, default if value is None else value)
    return located


def _option(letter: str, text: str, located: Located) -> str:
    """The option's text; a label repeating its own letter ("A、3人" under 选项A) is removed, with a warning."""
    match = _LABEL.match(text)
    if match and letters_of(match.group(1)) == letter and text[match.end():].strip():
        located.warn(f"选项{letter}", f"去掉了选项开头重复的标号“{match.group(0).strip()}”")
        return text[match.end():].strip()
    return text


def write_xlsx(drafts: list[QuestionDraft]) -> bytes:
    """The drafts in the import template, keys in 编号; read_xlsx(write_xlsx(d)) gives d back."""
    rows = []
    for draft in drafts:
        options = dict(draft.options)
        rows.append([WORD_OF_TYPE.get(draft.qtype, draft.qtype), draft.stem_md,
                     *[options.get(letter, "") for letter in OPTION_LETTERS],
                     answer_text(draft.qtype, draft.answer), draft.explanation_md, draft.difficulty,
                     draft.chapter_number, draft.article_number, ", ".join(draft.tags), draft.key])
    return to_xlsx(HEADERS, rows, title="题库", widths=WIDTHS)
