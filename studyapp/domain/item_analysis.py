"""Item analysis of an exam's first attempts: is each question doing its job? Pure Python.

For each question: the facility index (share of takers who got it right), the discrimination index
D = p(upper) - p(lower) where the groups are the top and bottom 27% of attempts by total score, the
point-biserial correlation between being right and the total, and how often each option was chosen.
A question is flagged when it discriminates negatively (strong members miss it more than weak ones:
often a wrong key) or when a distractor is chosen more often than the key.

Blueprint papers differ per member, so each question's figures use only the attempts that had it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

GROUP_SHARE = 0.27
FLAG_NEGATIVE = "区分度为负"
FLAG_DISTRACTOR = "干扰项选择多于正确答案"
TRUE_KEY, FALSE_KEY = "true", "false"


@dataclass(frozen=True)
class Response:
    """One question on one first attempt: the attempt's total (any scale), right or not, options chosen."""

    attempt_id: int
    total: float
    question_id: int
    correct: bool
    chosen: tuple[str, ...] = ()  # original option keys; ("true",)/("false",) for true/false; () unanswered


@dataclass(frozen=True)
class Item:
    """What the question offers: its type, option keys in order, and the key(s) that are right."""

    question_id: int
    qtype: str
    options: tuple[str, ...] = ()
    key: tuple[str, ...] = ()


@dataclass
class OptionCount:
    key: str
    count: int
    is_key: bool
    share: float | None = None  # of takers, in percent


@dataclass
class ItemStats:
    question_id: int
    takers: int
    correct: int
    facility: float | None  # 0..1
    discrimination: float | None  # -1..1
    point_biserial: float | None  # -1..1
    options: list[OptionCount] = field(default_factory=list)
    unanswered: int = 0
    flags: list[str] = field(default_factory=list)


def key_options(qtype: str, key, option_keys: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(options, right ones) of a stored key, in the keys this module counts choices by."""
    if qtype == "single":
        return tuple(option_keys), (key,)
    if qtype == "multiple":
        return tuple(option_keys), tuple(key)
    if qtype == "true_false":
        return (TRUE_KEY, FALSE_KEY), (TRUE_KEY if key else FALSE_KEY,)
    return (), ()


def chosen_options(qtype: str, response) -> tuple[str, ...]:
    """The options a stored response picked (see Response.chosen)."""
    if response is None or response == "":
        return ()
    if qtype == "single":
        return (response,)
    if qtype == "multiple":
        return tuple(response)
    if qtype == "true_false" and isinstance(response, bool):
        return (TRUE_KEY if response else FALSE_KEY,)
    return ()


def extreme_groups(totals: dict[int, float], share: float = GROUP_SHARE) -> tuple[set[int], set[int]]:
    """Attempt ids of the upper and lower groups: round(27% of N) each, never overlapping.

    Ties are broken by attempt id so the split is reproducible."""
    n = len(totals)
    size = min(max(1, round(share * n)), n // 2)
    ordered = sorted(totals, key=lambda a: (-totals[a], a))
    return set(ordered[:size]), set(ordered[n - size:]) if size else set()


def point_biserial(totals: Sequence[float], correct: Sequence[bool]) -> float | None:
    """r_pb = (M1 - M0) / s * sqrt(p q), s the population standard deviation of the totals."""
    n = len(totals)
    right = [t for t, c in zip(totals, correct) if c]
    wrong = [t for t, c in zip(totals, correct) if not c]
    if not right or not wrong:
        return None
    average = sum(totals) / n
    s = math.sqrt(sum((t - average) ** 2 for t in totals) / n)
    if s == 0:
        return None
    p = len(right) / n
    return round((sum(right) / len(right) - sum(wrong) / len(wrong)) / s * math.sqrt(p * (1 - p)), 3)


def analyse(responses: Iterable[Response], items: Iterable[Item], share: float = GROUP_SHARE) -> list[ItemStats]:
    """Statistics per item, in the order of `items` (items nobody took get empty figures)."""
    by_question: dict[int, list[Response]] = {}
    totals: dict[int, float] = {}
    for response in responses:
        by_question.setdefault(response.question_id, []).append(response)
        totals[response.attempt_id] = response.total
    upper, lower = extreme_groups(totals, share) if len(totals) >= 2 else (set(), set())
    return [_stats(item, by_question.get(item.question_id, []), upper, lower) for item in items]


def _p(rows: list[Response]) -> float | None:
    return sum(r.correct for r in rows) / len(rows) if rows else None


def _stats(item: Item, rows: list[Response], upper: set[int], lower: set[int]) -> ItemStats:
    n, right = len(rows), sum(r.correct for r in rows)
    p_upper = _p([r for r in rows if r.attempt_id in upper])
    p_lower = _p([r for r in rows if r.attempt_id in lower])
    stats = ItemStats(
        item.question_id, n, right, round(right / n, 3) if n else None,
        round(p_upper - p_lower, 3) if p_upper is not None and p_lower is not None else None,
        point_biserial([r.total for r in rows], [r.correct for r in rows]),
    )
    counts = {key: 0 for key in item.options}
    for row in rows:
        if not row.chosen:
            stats.unanswered += 1
        for key in row.chosen:
            if key in counts:
                counts[key] += 1
    stats.options = [OptionCount(key, count, key in item.key, round(count * 100 / n, 1) if n else None)
                     for key, count in counts.items()]
    if (stats.discrimination is not None and stats.discrimination < 0) or (
            stats.point_biserial is not None and stats.point_biserial < 0):
        stats.flags.append(FLAG_NEGATIVE)
    keyed = [o.count for o in stats.options if o.is_key]
    if keyed and any(not o.is_key and o.count > min(keyed) for o in stats.options):
        stats.flags.append(FLAG_DISTRACTOR)
    return stats
