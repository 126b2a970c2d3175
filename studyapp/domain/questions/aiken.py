"""Aiken import: the simplest multiple-choice format (Moodle's reader is the reference).

    支部委员会会议须有多少委员到会方能召开？
    A. 半数以上
    B. 三分之二以上
    ANSWER: A

The question may span several lines; options are "A." or "A)" (the space after is optional); ANSWER
may list several letters ("ANSWER: AC", an extension) which makes a multiple-choice question. A
question whose ANSWER line is missing is reported and the next question is still read. Aiken carries
no chapter, article or explanation: the import page supplies the chapter and article.
"""
from __future__ import annotations

import re

from ..problems import Collector
from .draft import QuestionDraft, letters_of
from .source import Located, escape_tags

OPTION = re.compile(r"^([A-ZＡ-Ｚ])[.)．）][ \t]*(.+)$")
ANSWER = re.compile(r"^ANSWER[ \t]*[:：][ \t]*(.*)$", re.I)
MISSING_ANSWER = "这道题缺少“ANSWER: 字母”一行（每道题的选项之后都要有）"


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
                located = _finish(stem, options, match.group(1), start, number, problems)
                if located is not None:
                    items.append(located)
            stem, options = [], []
        elif match := OPTION.match(line):
            if stem:
                options.append((letters_of(match.group(1)), match.group(2).strip()))
            else:
                problems.add("选项前缺少题干", number)
        else:
            if options:  # a new question began before this one's ANSWER line
                problems.add(MISSING_ANSWER, start)
                stem, options = [], []
            if not stem:
                start = number
            stem.append(line)
    if stem:
        problems.add(MISSING_ANSWER, start)
    return items


def _finish(stem: list[str], options: list[tuple[str, str]], answer: str, line: int, answer_line: int,
            problems: Collector) -> Located | None:
    letters = re.sub(r"[\s,，、]", "", letters_of(answer))
    if not re.fullmatch(r"[A-Z]+", letters):
        problems.add(f"ANSWER 后应为选项字母，而不是“{answer[:20]}”", answer_line)
        return None
    multiple = len(letters) > 1
    draft = QuestionDraft(key=None, qtype="multiple" if multiple else "single", stem_md=escape_tags("\n".join(stem)),
                          options=options, answer=sorted(letters) if multiple else letters)
    return Located(draft, line)
