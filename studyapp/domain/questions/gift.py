"""Moodle GIFT import (the subset banks use): single and multiple choice, true/false, short answer.

    // comment
    $CATEGORY: 4/11                      sets 章/条 for the questions that follow (also "第4章/第11条")
    ::q1:: 支部委员会会议须有多少委员到会？ {=半数以上 ~三分之二以上 ~全体 ####第十二条。}
    ::q2:: 属于联合党支部组建原则的有 {~%50%地域相邻 ~%50%行业相近 ~%-100%人数相同}
    ::q3:: 党员大会每季度召开一次。 {T}
    ::q4:: 党员大会一般每{=季度 =季}召开1次。      short answer → 填空 (the {…} becomes the blank)

::title:: becomes the question's key; `####` general feedback becomes the explanation.
"""
from __future__ import annotations

import re

from ..problems import Collector
from .draft import OPTION_LETTERS, QuestionDraft
from .source import Located

_CATEGORY_NUMBERS = re.compile(r"(\d+)")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_ESCAPED = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n"}


def parse_gift(text: str, problems: Collector) -> list[Located]:
    items: list[Located] = []
    chapter = article = None
    for start, block in _blocks(text):
        if block.startswith("$CATEGORY"):
            numbers = [int(n) for n in _CATEGORY_NUMBERS.findall(block)]
            chapter = numbers[0] if numbers else None
            article = numbers[1] if len(numbers) > 1 else None
            continue
        located = _question(block, start, problems)
        if located is not None:
            located.draft.chapter_number, located.draft.article_number = chapter, article
            items.append(located)
    return items


def _blocks(text: str):
    """(first line number, text) of each blank-line separated block, comments removed."""
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n") + [""], start=1):
        if line.strip().startswith("//"):
            continue
        if line.strip().startswith("$CATEGORY"):
            if lines:
                yield start, "\n".join(lines)
                lines = []
            yield number, line.strip()
            continue
        if line.strip():
            if not lines:
                start = number
            lines.append(line.strip())
        elif lines:
            yield start, "\n".join(lines)
            lines = []


def _question(block: str, line: int, problems: Collector) -> Located | None:
    key = None
    title = re.match(r"^::(.*?)(?<!\\)::", block, re.S)
    if title:
        key, block = _unescape(title.group(1)).strip() or None, block[title.end():]
    block = re.sub(r"^\[(markdown|plain|moodle|html)\]", "", block.strip())
    opening = _find_unescaped(block, "{")
    closing = _find_unescaped(block, "}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < 0:
        problems.add("GIFT 题目缺少答案部分 {…}", line)
        return None
    before, inside, after = block[:opening].strip(), block[opening + 1:closing].strip(), block[closing + 1:].strip()
    explanation = ""
    feedback = inside.find("####")
    if feedback >= 0:
        inside, explanation = inside[:feedback].strip(), _unescape(inside[feedback + 4:]).strip()
    draft = QuestionDraft(key=key, qtype="single", stem_md=_unescape(before), explanation_md=explanation)
    located = Located(draft, line)
    head = inside.split("#", 1)[0].strip().upper()
    if head in ("T", "TRUE", "F", "FALSE"):
        draft.qtype, draft.answer = "true_false", head.startswith("T")
        draft.stem_md = _join(draft.stem_md, after)
        return located
    entries = _entries(inside)
    if not entries:
        problems.add("GIFT 答案部分 {…} 是空的（本系统不导入问答题）", line)
        return None
    if all(mark == "=" for mark, _w, _t in entries):
        # Short answer: every "=" is an accepted answer of one blank placed where the {…} was.
        draft.qtype, draft.answer = "fill_blank", [[text for _m, _w, text in entries]]
        draft.stem_md = _join(f"{draft.stem_md}___", after) if after else f"{draft.stem_md} ___"
        return located
    if len(entries) > len(OPTION_LETTERS):
        problems.add(f"选项过多（最多{len(OPTION_LETTERS)}个）", line)
        return None
    draft.options = [(letter, text) for letter, (_m, _w, text) in zip(OPTION_LETTERS, entries)]
    draft.stem_md = _join(draft.stem_md, after)
    correct = [letter for letter, (mark, weight, _t) in zip(OPTION_LETTERS, entries)
               if mark == "=" or (weight or 0) > 0]
    weighted = any(weight is not None and weight > 0 for _m, weight, _t in entries)
    if weighted:
        draft.qtype, draft.answer = "multiple", correct
    else:
        draft.answer = correct[0] if len(correct) == 1 else (correct or None)
        if len(correct) > 1:
            problems.add("单选题只能有一个“=”正确答案（多选题请用 ~%50% 这样的权重）", line)
    return located


def _entries(inside: str) -> list[tuple[str, float | None, str]]:
    """(mark "=" or "~", weight or None, text) of each answer, per-answer feedback dropped."""
    entries = []
    for match in re.finditer(r"(?<!\\)([=~])((?:\\.|[^=~\\])*)", inside):
        body = match.group(2)
        weight = None
        if found := _WEIGHT.match(body.strip()):
            weight, body = float(found.group(1)), body.strip()[found.end():]
        hash_at = _find_unescaped(body, "#")
        if hash_at >= 0:
            body = body[:hash_at]
        entries.append((match.group(1), weight, _unescape(body).strip()))
    return entries


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    index = start
    while True:
        index = text.find(char, index)
        if index <= 0 or text[index - 1] != "\\":
            return index
        index += 1


def _unescape(text: str) -> str:
    for escaped, plain in _ESCAPED.items():
        text = text.replace(escaped, plain)
    return text


def _join(before: str, after: str) -> str:
    return f"{before}{_unescape(after)}" if after else before
