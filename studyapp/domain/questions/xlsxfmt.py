"""Excel (.xlsx) banks: one question per row under the Chinese template headers.

题型 | 题干 | 选项A … 选项H | 答案 | 解析 | 难度 | 章 | 条 | 标签 — the header is row 1; problems name the
row and the column header. Cells starting with = + - @ are refused: in Excel they are formulas, and a
bank must not carry them (they could run on another organizer's computer when exported again).
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from .. import archives
from ..problems import Collector
from ..sheets import to_xlsx
from .draft import (F_ANSWER, F_ARTICLE, F_CHAPTER, F_DIFFICULTY, F_EXPLANATION, F_STEM, F_TAGS, F_TYPE,
                    OPTION_LETTERS, TYPE_WORDS, WORD_OF_TYPE, QuestionDraft, answer_text, parse_answer,
                    parse_int, parse_tags)
from .source import MAX_FILE_BYTES, Located

OPTION_HEADERS = [f"选项{letter}" for letter in OPTION_LETTERS]
HEADERS = [F_TYPE, F_STEM, *OPTION_HEADERS, F_ANSWER, F_EXPLANATION, F_DIFFICULTY, F_CHAPTER, F_ARTICLE, F_TAGS]
REQUIRED = (F_TYPE, F_STEM, F_ANSWER, F_CHAPTER)
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_ROWS = 5000
WIDTHS = [8, 50, *[18] * len(OPTION_HEADERS), 10, 40, 6, 6, 6, 16]


def read_xlsx(data: bytes, problems: Collector) -> list[Located]:
    """Every question row of the first sheet; problems go to `problems` with row and column."""
    rows = _rows(data, problems)
    if rows is None:
        return []
    if not rows:
        problems.add("文件是空的，没有表头")
        return []
    columns = _columns(rows[0], problems)
    if any(name not in columns for name in REQUIRED):
        return []
    items = []
    for number, cells in enumerate(rows[1:], start=2):
        values = {name: _cell(cells, index) for name, index in columns.items()}
        if not any(values.values()):
            continue  # blank rows at the end of a sheet mean nothing
        items.append(_row(number, values, problems))
    if not items and not problems.problems:
        problems.add("文件只有表头，没有题目")
    if len(items) > MAX_ROWS:
        problems.add(f"一次最多导入{MAX_ROWS}道题，请分批导入")
    return items


def _rows(data: bytes, problems: Collector) -> list[list[object]] | None:
    from openpyxl import load_workbook

    if len(data) > MAX_FILE_BYTES:
        problems.add(f"文件过大（最多{MAX_FILE_BYTES // 1024 // 1024}MB）")
        return None
    try:
        archives.check_zip(data)  # before openpyxl inflates anything: refuse zip bombs
        # data_only=False: a formula comes back as its text ("=A1"), which is refused below.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except archives.UnsafeArchive as exc:
        problems.add(str(exc))
        return None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        problems.add("无法读取 Excel 文件，请确认是 .xlsx 格式（不是 .xls 或改了扩展名的文件）")
        return None
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _columns(header: list[object], problems: Collector) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        title = _text(raw).rstrip("*＊").strip()
        if title in HEADERS:
            if title in found:
                problems.add(f"表头“{title}”出现了两次", 1, title)
            found.setdefault(title, index)
    for name in REQUIRED:
        if name not in found:
            problems.add(f"缺少必填列“{name}”（表头应在第1行，可下载模板对照）", 1)
    return found


def _cell(cells: list[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


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
    texts = {}
    for name, value in values.items():
        text = _text(value)
        if text.startswith(FORMULA_STARTS):
            problems.add(f"内容“{text[:20]}”以 = + - @ 开头，像是公式，请改为纯文本（可在前面加全角字符或空格）",
                         number, name)
            text = ""
        texts[name] = text
    word = texts.get(F_TYPE, "")
    qtype = TYPE_WORDS.get(word, word)
    options = [(letter, texts.get(header, "")) for letter, header in zip(OPTION_LETTERS, OPTION_HEADERS)]
    while options and not options[-1][1]:
        options.pop()  # trailing empty option columns are simply unused
    draft = QuestionDraft(key=None, qtype=qtype, stem_md=texts.get(F_STEM, ""), options=options,
                          explanation_md=texts.get(F_EXPLANATION, ""), tags=parse_tags(texts.get(F_TAGS, "")))
    located = Located(draft, number, spreadsheet=True)
    if not word:
        located.report(problems, F_TYPE, "缺少题型（单选、多选、判断 或 填空）")
    draft.answer, message = parse_answer(qtype, texts.get(F_ANSWER, ""))
    if message:
        located.report(problems, F_ANSWER, message)
    for name, attribute, default in ((F_DIFFICULTY, "difficulty", 2), (F_CHAPTER, "chapter_number", None),
                                     (F_ARTICLE, "article_number", None)):
        try:
            value = parse_int(texts.get(name, ""))
        except ValueError:
            located.report(problems, name, f"“{texts[name][:20]}”不是整数")
            value = default
        setattr(draft, attribute, default if value is None else value)
    return located


def write_xlsx(drafts: list[QuestionDraft]) -> bytes:
    """The drafts in the import template; read_xlsx(write_xlsx(d)) gives d back (without keys)."""
    rows = []
    for draft in drafts:
        options = dict(draft.options)
        rows.append([WORD_OF_TYPE.get(draft.qtype, draft.qtype), draft.stem_md,
                     *[options.get(letter, "") for letter in OPTION_LETTERS],
                     answer_text(draft.qtype, draft.answer), draft.explanation_md, draft.difficulty,
                     draft.chapter_number, draft.article_number, ", ".join(draft.tags)])
    return to_xlsx(HEADERS, rows, title="题库", widths=WIDTHS)
