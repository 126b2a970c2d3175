"""Item analysis of an exam's first attempts: is each question doing its job? Pure Python.

For each question: the facility index (share of takers who got it right), the discrimination index
D = p(upper) - p(lower) where the groups are the top and bottom 27% of attempts by total score, the
point-biserial correlation between being right and the total, and how often each option was chosen.
A question is flagged when it discriminates negatively (strong members miss it more than weak ones:
often a wrong key) or when a distractor is chosen more often than the key, and only once at least
MIN_TAKERS members took it (one answer sheet is no evidence of a wrong key).

Blueprint papers differ per member, so each question's figures use only the attempts that had it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

GROUP_SHARE = 0.27
#: Below this many takers the figures swing with every answer sheet: no question is flagged on them.
MIN_TAKERS = 30
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


def point_biserial(totals: Sequence[float], correct: Sequence[bool]) -> float | None:
    """r_pb = (M1 - M0) / s * sqrt(p q), s the population standard deviation of the totals."""
    right = [t for t, c in zip(totals, correct) if c]
    return point_biserial_from_sums(len(totals), len(right), sum(totals), sum(t * t for t in totals), sum(right))


def point_biserial_from_sums(n: int, k: int, sum_total: float, sum_squares: float, sum_right: float) -> float | None:
    """The same r_pb from sums (n takers, k right), so a database can do the adding up."""
    if n == 0 or k in (0, n):
        return None
    average = sum_total / n
    variance = sum_squares / n - average * average
    if variance <= 1e-9:
        return None
    p = k / n
    m1, m0 = sum_right / k, (sum_total - sum_right) / (n - k)
    return round((m1 - m0) / math.sqrt(variance) * math.sqrt(p * (1 - p)), 3)


@dataclass
class Tally:
    """Sufficient figures of one item: enough to compute every statistic without the responses."""

    takers: int = 0
    correct: int = 0
    upper_takers: int = 0
    upper_correct: int = 0
    lower_takers: int = 0
    lower_correct: int = 0
    sum_total: float = 0.0
    sum_squares: float = 0.0
    sum_right: float = 0.0  # sum of totals of the takers who got it right
    chosen: dict[str, int] = field(default_factory=dict)  # option key -> times chosen
    answered: int = 0  # takers who chose at least one option (choice and true/false items)


def group_size(n: int, share: float = GROUP_SHARE) -> int:
    """round(27% of n), at least 1 and at most half, so the upper and lower groups never overlap."""
    return min(max(1, round(share * n)), n // 2) if n >= 2 else 0


def extreme_groups(totals: dict[int, float], share: float = GROUP_SHARE) -> tuple[set[int], set[int]]:
    """Attempt ids of the upper and lower groups (ties broken by attempt id, so reproducible)."""
    size = group_size(len(totals), share)
    ordered = sorted(totals, key=lambda a: (-totals[a], a))
    return set(ordered[:size]), set(ordered[len(ordered) - size:]) if size else set()


def analyse(responses: Iterable[Response], items: Iterable[Item], share: float = GROUP_SHARE,
            min_takers: int = MIN_TAKERS) -> list[ItemStats]:
    """Statistics per item, in the order of `items` (items nobody took get empty figures)."""
    responses = list(responses)
    totals = {r.attempt_id: r.total for r in responses}
    upper, lower = extreme_groups(totals, share)
    tallies: dict[int, Tally] = {}
    for r in responses:
        t = tallies.setdefault(r.question_id, Tally())
        t.takers += 1
        t.correct += r.correct
        t.sum_total += r.total
        t.sum_squares += r.total * r.total
        t.sum_right += r.total if r.correct else 0.0
        if r.attempt_id in upper:
            t.upper_takers += 1
            t.upper_correct += r.correct
        if r.attempt_id in lower:
            t.lower_takers += 1
            t.lower_correct += r.correct
        t.answered += bool(r.chosen)
        for key in r.chosen:
            t.chosen[key] = t.chosen.get(key, 0) + 1
    return [item_stats(item, tallies.get(item.question_id, Tally()), min_takers) for item in items]


def item_stats(item: Item, t: Tally, min_takers: int = MIN_TAKERS) -> ItemStats:
    """Every figure of one item from its tally, and its flags once enough members took it."""
    n = t.takers
    p_upper = t.upper_correct / t.upper_takers if t.upper_takers else None
    p_lower = t.lower_correct / t.lower_takers if t.lower_takers else None
    stats = ItemStats(
        item.question_id, n, t.correct, round(t.correct / n, 3) if n else None,
        round(p_upper - p_lower, 3) if p_upper is not None and p_lower is not None else None,
        point_biserial_from_sums(n, t.correct, t.sum_total, t.sum_squares, t.sum_right),
    )
    stats.unanswered = n - t.answered if item.options else 0
    stats.options = [OptionCount(key, t.chosen.get(key, 0), key in item.key,
                                 round(t.chosen.get(key, 0) * 100 / n, 1) if n else None) for key in item.options]
    if n < min_takers:
        return stats
    if (stats.discrimination is not None and stats.discrimination < 0) or (
            stats.point_biserial is not None and stats.point_biserial < 0):
        stats.flags.append(FLAG_NEGATIVE)
    keyed = [o.count for o in stats.options if o.is_key]
    if keyed and any(not o.is_key and o.count > min(keyed) for o in stats.options):
        stats.flags.append(FLAG_DISTRACTOR)
    return stats
