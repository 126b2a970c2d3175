"""Question banks: drafts, their checks, and the file formats they are read from and written to.

`read_bank` is the one entry point for files: it picks the reader by extension (a .txt file by its
content: Moodle writes GIFT as .txt, and Aiken files are .txt), decodes text (UTF-8 with or without BOM,
UTF-16, else GB18030 with a note), checks every question, and reports duplicates within the file —
every problem with file, line (or row) and field (or column). What a reader keeps but not exactly as
written (a dropped label, partial credit) comes back as warnings, with the same places.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..problems import Collector, Problem
from .aiken import parse_aiken
from .draft import (F_KEY, QUESTION_TYPES, TYPE_WORDS, WORD_OF_TYPE, Issue, QuestionDraft, answer_text,
                    blank_count, content_checksum, parse_answer, parse_tags, validate)
from .gift import parse_gift
from .source import Located, decode_text
from .textfmt import parse_text, write_text
from .xlsxfmt import HEADERS, read_xlsx, write_xlsx

__all__ = [
    "QUESTION_TYPES", "TYPE_WORDS", "WORD_OF_TYPE", "HEADERS", "Issue", "QuestionDraft", "Located", "BankFile",
    "answer_text", "blank_count", "content_checksum", "parse_answer", "parse_tags", "validate", "read_bank",
    "write_text", "write_xlsx", "FORMATS",
]

#: Upload formats by file extension, with the Chinese name shown on the import page.
FORMATS = {"xlsx": "Excel 模板", "txt": "文本格式", "gift": "Moodle GIFT", "aiken": "Aiken"}
_TEXT_READERS = {"txt": parse_text, "gift": parse_gift, "aiken": parse_aiken}


@dataclass
class BankFile:
    """The checked questions of one file, a note to show (e.g. the encoding fallback), and warnings."""

    items: list[Located] = field(default_factory=list)
    note: str | None = None
    warnings: list[Problem] = field(default_factory=list)


_TEXT_HEADER = re.compile(r"^##[ \t]", re.M)
_AIKEN_ANSWER = re.compile(r"^[ \t]*ANSWER[ \t]*[:：]", re.M | re.I)
_GIFT_MARKS = re.compile(r"(^|\n)[ \t]*::|(?<!\\)\{[^{}]*(?<!\\)\}")


def sniff_text(text: str) -> str:
    """Which text format a .txt file is written in: "txt" (the platform's), "aiken" or "gift"."""
    if _TEXT_HEADER.search(text):
        return "txt"
    if _AIKEN_ANSWER.search(text):
        return "aiken"
    if _GIFT_MARKS.search(text):
        return "gift"
    return "txt"


def read_bank(data: bytes, filename: str, problems: Collector, *, require_keys: bool = False,
              default_chapter: int | None = None, default_article: int | None = None,
              require_explanation: bool = False) -> BankFile:
    """Parse and check one bank file, adding every problem to `problems` (whose file is `filename`).

    Defaults fill in the chapter and article for formats that cannot carry them (Aiken, GIFT without
    $CATEGORY). `require_keys` is for content/ banks, whose ids give questions their history.
    """
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx":
        items, note = read_xlsx(data, problems, chapter_given=default_chapter is not None), None
    elif suffix in _TEXT_READERS:
        text, note = decode_text(data, problems)
        if text is not None and suffix == "txt" and not require_keys and (found := sniff_text(text)) != "txt":
            suffix = found
            note = " ".join(filter(None, [note, f"文件内容是 {FORMATS[found]} 格式，已按该格式读取。"]))
        items = _TEXT_READERS[suffix](text, problems) if text is not None else []
    else:
        problems.add("不支持的文件类型，请上传 .xlsx、.txt（文本格式）、.gift 或 .aiken 文件")
        return BankFile()
    for located in items:
        draft = located.draft
        if draft.chapter_number is None and default_chapter is not None:
            draft.chapter_number = default_chapter
            if draft.article_number is None:
                draft.article_number = default_article
        if require_keys and not draft.key:
            located.report(problems, F_KEY, "缺少编号")
        if require_explanation and not draft.explanation_md and suffix != "txt":
            located.report(problems, "解析", "缺少解析")
        unreadable = set(located.reported)
        for issue in validate(draft):
            if issue.field not in unreadable:
                located.report(problems, issue.field, issue.message)
    _report_duplicates(items, problems)
    if not items and not problems.problems:
        problems.add("文件中没有题目")
    problems.problems.sort(key=lambda p: p.line or 0)
    warnings = [Problem(message, problems.file, *located.place(name, line))
                for located in items for name, message, line in located.warnings]
    return BankFile(items, note, warnings)


def _report_duplicates(items: list[Located], problems: Collector) -> None:
    keys: dict[str, Located] = {}
    sums: dict[str, Located] = {}
    for located in items:
        key = located.draft.key
        if key and key in keys:
            located.report(problems, F_KEY, f"编号 {key} 与第{keys[key].line}行的题目重复")
        elif key:
            keys[key] = located
        if located.reported:
            continue  # a question with problems is compared once it is fixed
        checksum = content_checksum(located.draft)
        if checksum in sums:
            located.report(problems, "题干", f"与第{sums[checksum].line}行的题目重复（题干、选项和答案相同）")
        else:
            sums[checksum] = located
