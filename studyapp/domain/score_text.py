"""How a score is written, on every page and in every export: "86 分 · 及格".

One word for passing (及格, the word of the exam's 及格线) on member and organizer pages alike.
"""
from __future__ import annotations

PASSED = "及格"
FAILED = "不及格"


def points(value) -> str:
    """A number of points as people write it: 10, 7.5, 3.33 (never 10.0); a dash when there is none."""
    if value is None:
        return "—"
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def verdict(passed: bool | None) -> str:
    """及格 / 不及格, or nothing when there is no verdict yet."""
    if passed is None:
        return ""
    return PASSED if passed else FAILED


def score_text(score, passed: bool | None = None, max_score=None) -> str:
    """"86 分 · 及格", "7.5 / 10 分", or "—" for no score."""
    if score is None:
        return "—"
    text = f"{points(score)} / {points(max_score)} 分" if max_score is not None else f"{points(score)} 分"
    word = verdict(passed)
    return f"{text} · {word}" if word else text
