"""When a fill-in blank is right: the one rule for practice, exams, contests and regrades.

A person marking a paper by hand accepts "3人" or "三" for a blank whose key is "3", and "每月" for
"每___召开1次" whose key is "月": the member repeated a word the stem already has, or wrote the number
another way. So a blank is right when the answer, compared without width, case, spaces or punctuation,
  * equals an accepted wording, or does so once a word repeated from the stem around the blank is dropped
    ("每" just before it, "人" or "次" just after it); or
  * is a number equal to a numeric accepted wording (Arabic or Chinese numerals, 1/2 = 二分之一 = 50%),
    written with that wording's unit or without one.
Non-numeric wordings otherwise match exactly: a synonym is right only if the key lists it.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from fractions import Fraction

from .numerals import parse_chinese_number

#: Three or more underscores mark a blank in a stem (the bank format's rule).
BLANK = re.compile(r"_{3,}")

#: Measure words and units a number may carry ("3人", "6个月", "1次"); "个" may precede any of them.
UNITS = frozenset({
    "人", "名", "位", "个", "次", "回", "遍", "年", "岁", "月", "周", "天", "日", "季度", "季", "小时", "学时",
    "分钟", "章", "条", "项", "款", "种", "类", "家", "所", "批", "届", "级", "倍", "成", "轮", "份", "票", "张",
})
CHINESE_DIGITS = "零〇一二两三四五六七八九十百千"
#: A fraction bar, decimal point or percent sign inside a number.
NUMBER_PUNCTUATION = re.compile(r"\d[/.]\d|\d%")


def normalize_text(text: str) -> str:
    """Full-width = half-width, no case, no spaces, no punctuation or symbols."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith(("P", "S")))


def blank_contexts(stem: str, blanks: int) -> list[tuple[str, str]]:
    """The stem text just before and just after each of the first `blanks` blanks, normalized."""
    return (list(_contexts(stem or "")) + [("", "")] * blanks)[:blanks]


# Grading a sitting meets the same stems and keys thousands of times: their normalized forms are
# computed once per process (bounded; a bank holds a few hundred questions).
@functools.lru_cache(maxsize=4096)
def _contexts(stem: str) -> tuple[tuple[str, str], ...]:
    parts = BLANK.split(stem)
    return tuple((normalize_text(parts[i]), normalize_text(parts[i + 1])) for i in range(len(parts) - 1))


@functools.lru_cache(maxsize=4096)
def _accepted_forms(accepted: tuple[str, ...]) -> tuple[frozenset[str], tuple[tuple[Fraction, str], ...]]:
    """An accepted-wordings list as normalized texts and as (value, unit) quantities."""
    return (frozenset(normalize_text(item) for item in accepted) - {""},
            tuple(q for q in map(_quantity, accepted) if q is not None))


def blank_is_right(accepted: list[str], given: str, before: str = "", after: str = "") -> bool:
    """Whether `given` fills a blank whose key lists `accepted`; before/after: normalized stem around it."""
    answer = normalize_text(given)
    if not answer:
        return False
    texts, quantities = _accepted_forms(tuple(accepted))
    folded = _folded_number_text(given).rstrip("。.，,")
    if NUMBER_PUNCTUATION.search(folded):
        # "1/2", "0.5", "50%": the punctuation is part of the number, so only its value may match
        # (dropping it would turn 1/2 into 12 and 0.5 into 5).
        candidates = _without_repeats(folded, before, after)
    else:
        candidates = _without_repeats(answer, before, after)
        if candidates & texts:
            return True
    for candidate in candidates:
        found = _quantity(candidate)
        if found is None:
            continue
        value, unit = found
        if any(value == wanted and unit in ("", wanted_unit) for wanted, wanted_unit in quantities):
            return True
    return False


def _without_repeats(answer: str, before: str, after: str) -> set[str]:
    """The answer, and the answer without a stem word repeated at its start or end (never emptied)."""
    heads = [answer] + [answer[n:] for n in range(1, len(answer)) if before.endswith(answer[:n])]
    found = set()
    for head in heads:
        found.add(head)
        found.update(head[:-n] for n in range(1, len(head)) if after.startswith(head[-n:]))
    return found


def _folded_number_text(text: str) -> str:
    """The answer with width folded and spaces dropped but "/" "%" "." kept, for 1/2, 50% and 0.5."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if not ch.isspace())


def _quantity(text: str) -> tuple[Fraction, str] | None:
    """(value, unit) if the text is a number, optionally followed by a unit: "3人", "三", "1/2", "50%"."""
    folded = _folded_number_text(text).rstrip("。.，,")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(?:/(\d+)|(%))?(.*)", folded)
    if match:
        number, denominator, percent, unit = match.groups()
        if denominator is not None and int(denominator) == 0:
            return None
        value = Fraction(number) / (int(denominator) if denominator else 1)
        value = value / 100 if percent else value
        return _with_unit(value, unit)
    match = re.fullmatch(rf"(百分之)?([{CHINESE_DIGITS}]+)(?:分之([{CHINESE_DIGITS}]+))?(.*)", folded)
    if match:
        percent, first, second, unit = match.groups()
        a, b = parse_chinese_number(first), parse_chinese_number(second) if second else None
        if a is None and first in "零〇":
            a = 0
        if a is None or (second and (b is None or a == 0)):
            return None
        value = Fraction(b, a) if second else Fraction(a)
        return _with_unit(value / 100 if percent else value, unit)
    return None


def _with_unit(value: Fraction, unit: str) -> tuple[Fraction, str] | None:
    unit = normalize_text(unit)
    if unit.startswith("个") and unit != "个":
        unit = unit[1:]  # "6个月" and "6月" both count as six months
    return (value, unit) if unit == "" or unit in UNITS else None
