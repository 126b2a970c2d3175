"""The plain-text bank format kept in content/<module>/questions/*.txt (see content/README.md).

    ## q-ch2-001 单选
    题干: ...
    A. ...
    答案: B
    ...

Fields and options are recognized only at the start of a line; any other line continues the previous
field; blank lines between such lines of 题干 or 解析 are kept as paragraph breaks. A line starting with
one space is always a continuation (that space removed), which is how the writer keeps stems that
contain lines like "A. ..." or "答案: ..." intact.
"""
from __future__ import annotations

import re

from ..problems import Collector
from .draft import (F_ANSWER, F_ARTICLE, F_CHAPTER, F_DIFFICULTY, F_EXPLANATION, F_OPTIONS, F_STEM, F_TAGS,
                    KEY_PATTERN, WORD_OF_TYPE, QuestionDraft, answer_text, letters_of, parse_answer, parse_int,
                    parse_tags, type_of, typed_blanks_to_underscores)
from .source import Located

HEADER = re.compile(r"^##[ \t]+(\S+)(?:[ \t]+(\S+))?[ \t]*$")
FIELD = re.compile(r"^(题干|答案|解析|难度|章|条|标签)[ \t]*[:：][ \t]?(.*)$")
#: "A. …" as written by the platform, and the labels people type: A、 A． A) (A) （A） Ａ． a.
#: Not "e.g." or "U.S.": a label is never followed by another letter and a dot.
OPTION = re.compile(r"^(?:[(（]([A-Za-hＡ-Ｚａ-ｈ])[)）]|([A-ZＡ-Ｚa-hａ-ｈ])[.．、)）])(?![A-Za-z]\.)[ \t]?(.*)$")
TEXT_FIELDS = (F_STEM, F_EXPLANATION)


def parse_text(text: str, problems: Collector) -> list[Located]:
    """Every question of the file; syntax problems (with their lines) go to `problems`."""
    items: list[Located] = []
    raw: dict | None = None
    last: str | None = None  # the field (or option letter) a continuation line extends
    blanks = 0  # blank lines seen since the last line: paragraph breaks inside a continued text field
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip()
        if not line.strip():
            blanks += 1
            continue
        if line.startswith("# ") or line == "#":
            continue
        pending, blanks = blanks, 0
        if line.startswith("##"):
            if raw is not None:
                items.append(_finish(raw, problems))
            raw, last = _start(line, number, problems), None
            continue
        if raw is None:
            problems.add("题目应以“## 编号 题型”一行开始", number)
            continue
        if line.startswith(" "):
            _continue(raw, last, "\n" * pending + line[1:], number, problems)
        elif match := FIELD.match(line):
            last = match.group(1)
            if last in raw["fields"]:
                problems.add(f"“{last}”写了两次", number, f"{last}字段")
            raw["fields"][last] = match.group(2).strip() if last not in TEXT_FIELDS else match.group(2)
            raw["lines"][last] = number
        elif match := OPTION.match(line):
            last = letters_of(match.group(1) or match.group(2))
            raw["options"].append([last, match.group(3).strip()])
            raw["lines"].setdefault(F_OPTIONS, number)
        else:
            _continue(raw, last, "\n" * pending + line, number, problems)
    if raw is not None:
        items.append(_finish(raw, problems))
    return items


def _start(line: str, number: int, problems: Collector) -> dict:
    match = HEADER.match(line)
    key = word = None
    if not match:
        problems.add("题目开头应为“## 编号 题型”，如“## q-ch2-001 单选”", number)
    else:
        key, word = match.group(1), match.group(2)
        if not KEY_PATTERN.fullmatch(key):
            problems.add(f"编号“{key[:40]}”只能由字母、数字和 - _ . 组成（最长80个字符）", number)
        if word is None:
            problems.add("缺少题型（单选、多选、判断 或 填空）", number)
    qtype = type_of(word or "")
    return {"key": key, "qtype": qtype, "line": number, "fields": {}, "options": [], "lines": {"题型": number}}


def _continue(raw: dict, last: str | None, text: str, number: int, problems: Collector) -> None:
    if last is None:
        problems.add("这一行不属于任何字段（字段应写成“题干: …”）", number)
    elif last in raw["fields"]:  # a field, whatever its length (章 and 条 are one character too)
        raw["fields"][last] += "\n" + text
    else:  # the option just read
        raw["options"][-1][1] += "\n" + text.strip("\n ")


def _finish(raw: dict, problems: Collector) -> Located:
    fields, lines = raw["fields"], raw["lines"]
    qtype = raw["qtype"]
    stem = fields.get(F_STEM, "").strip()
    draft = QuestionDraft(key=raw["key"], qtype=qtype,
                          stem_md=typed_blanks_to_underscores(stem) if qtype == "fill_blank" else stem,
                          options=[(k, t) for k, t in raw["options"]],
                          explanation_md=fields.get(F_EXPLANATION, "").strip(),
                          tags=parse_tags(fields.get(F_TAGS, "")))
    located = Located(draft, raw["line"], lines)
    answer, message = parse_answer(qtype, fields.get(F_ANSWER, ""))
    draft.answer = answer
    if message:
        located.report(problems, F_ANSWER, message)
    if not draft.explanation_md:
        located.report(problems, F_EXPLANATION, "缺少解析（每道题都要有解析）")
    for name, attribute, default in ((F_DIFFICULTY, "difficulty", 2), (F_CHAPTER, "chapter_number", None),
                                     (F_ARTICLE, "article_number", None)):
        try:
            value = parse_int(fields.get(name, ""))
        except ValueError:
            located.report(problems, name, f"“{fields[name][:20]}”不是整数")
            value = default
        setattr(draft, attribute, default if value is None else value)
    return located


def write_text(drafts: list[QuestionDraft]) -> str:
    """The drafts in the text format; parse_text(write_text(d)) gives d back."""
    blocks = []
    for draft in drafts:
        lines = [f"## {draft.key} {WORD_OF_TYPE[draft.qtype]}", *_field(F_STEM, draft.stem_md)]
        lines += [line for key, text in draft.options for line in _field(f"{key}.", text)]
        lines += [f"{F_ANSWER}: {answer_text(draft.qtype, draft.answer)}", *_field(F_EXPLANATION, draft.explanation_md),
                  f"{F_DIFFICULTY}: {draft.difficulty}", f"{F_CHAPTER}: {draft.chapter_number}"]
        if draft.article_number is not None:
            lines.append(f"{F_ARTICLE}: {draft.article_number}")
        if draft.tags:
            lines.append(f"{F_TAGS}: {', '.join(draft.tags)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _field(name: str, text: str) -> list[str]:
    first, *rest = (text or "").split("\n")
    separator = " " if name.endswith(".") else ": "
    # Continuation lines are written with one leading space so none can be mistaken for a field.
    return [f"{name}{separator}{first}", *((" " + line) if line.strip() else "" for line in rest)]
