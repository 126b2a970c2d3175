"""Aiken import: the simplest multiple-choice format.

    支部委员会会议须有多少委员到会方能召开？
    A. 半数以上
    B. 三分之二以上
    ANSWER: A

The question may span several lines; options are "A." or "A)"; ANSWER may list several letters
("ANSWER: AC", an extension) which makes a multiple-choice question. Aiken carries no chapter,
article or explanation: the import page supplies the chapter and article.
"""
from __future__ import annotations

import re

from ..problems import Collector
from .draft import QuestionDraft
from .source import Located

OPTION = re.compile(r"^([A-Z])[.)．）][ \t]*(.+)$")
ANSWER = re.compile(r"^ANSWER[ \t]*[:：][ \t]*(.*)$", re.I)


def parse_aiken(text: str, problems: Collector) -> list[Located]:
    items: list[Located] = []
    stem: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if match := ANSWER.match(line):
            if not stem:
                problems.add("ANSWER 行前缺少题干", number)
            elif not options:
                problems.add("题目没有选项（选项写成“A. …”）", start)
            else:
                items.append(_finish(stem, options, match.group(1), start))
            stem, options = [], []
        elif (match := OPTION.match(line)) and stem:
            options.append((match.group(1), match.group(2).strip()))
        elif options:
            problems.add("选项之后应是“ANSWER: 字母”一行", number)
        else:
            if not stem:
                start = number
            stem.append(line)
    if stem:
        problems.add("最后一道题缺少“ANSWER: 字母”一行", start)
    return items


def _finish(stem: list[str], options: list[tuple[str, str]], answer: str, line: int) -> Located:
    letters = re.sub(r"[\s,，、]", "", answer).upper()
    multiple = len(letters) > 1
    draft = QuestionDraft(key=None, qtype="multiple" if multiple else "single", stem_md="\n".join(stem),
                          options=options, answer=sorted(letters) if multiple else (letters or None))
    return Located(draft, line)
