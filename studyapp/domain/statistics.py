"""Result statistics: participation of a group, branch ranking, score histograms. Pure Python.

Branches are ranked by participation (参考率) and then pass rate (通过率), never by summed points, so a
large branch does not come first merely because it has more members.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round(ordered[middle], 2)
    return round((ordered[middle - 1] + ordered[middle]) / 2, 2)


def share(part: int, whole: int) -> float | None:
    """part/whole as a percentage with one decimal; None when there is nobody to divide by."""
    return round(part * 100 / whole, 1) if whole else None


@dataclass(frozen=True)
class Participation:
    """Figures of one group (a branch, or everyone): 应考, 实考, 通过, mean and median of counted scores."""

    expected: int  # 应考: members in the audience
    sat: int  # 实考: members with at least one submitted attempt
    passed: int  # members whose counted attempt passed
    mean: float | None
    median: float | None

    @property
    def absent(self) -> int:
        return self.expected - self.sat

    @property
    def participation_rate(self) -> float | None:
        """参考率 = 实考 / 应考, in percent."""
        return share(self.sat, self.expected)

    @property
    def pass_rate(self) -> float | None:
        """通过率 = 通过 / 实考, in percent (those who did not sit are in the participation rate)."""
        return share(self.passed, self.sat)


def participation(expected: int, scores: Sequence[float], passed: int) -> Participation:
    """Figures from the audience size, the counted score of each member who sat, and how many passed."""
    return Participation(expected, len(scores), passed, mean(scores), median(scores))


@dataclass(frozen=True)
class Ranked:
    rank: int
    key: object
    figures: Participation


def rank_groups(groups: Iterable[tuple[object, Participation]]) -> list[Ranked]:
    """Order by participation rate, then pass rate (both descending); equal pairs share a rank (1, 1, 3)."""

    def score(figures: Participation) -> tuple[float, float]:
        return (figures.participation_rate or 0.0, figures.pass_rate or 0.0)

    ordered = sorted(groups, key=lambda item: tuple(-v for v in score(item[1])))
    ranked: list[Ranked] = []
    for position, (key, figures) in enumerate(ordered, start=1):
        if ranked and score(ranked[-1].figures) == score(figures):
            ranked.append(Ranked(ranked[-1].rank, key, figures))
        else:
            ranked.append(Ranked(position, key, figures))
    return ranked


@dataclass(frozen=True)
class Bin:
    lower: int
    upper: int  # inclusive for the last bin (100), exclusive otherwise
    count: int

    @property
    def label(self) -> str:
        return f"{self.lower}–{self.upper}" if self.upper == 100 else f"{self.lower}–{self.upper - 1}"


def histogram(percents: Iterable[float], width: int = 10) -> list[Bin]:
    """Counts of scores (as % of the maximum) in bins [0,10), [10,20) ... [90,100]; 100 falls in the last."""
    edges = list(range(0, 100, width))
    counts = [0] * len(edges)
    for value in percents:
        index = min(int(math.floor(max(value, 0.0) / width)), len(edges) - 1)
        counts[index] += 1
    return [Bin(lower, min(lower + width, 100), count) for lower, count in zip(edges, counts)]


@dataclass(frozen=True)
class Bar:
    """A histogram bar in SVG user units (origin top-left), with its label and count."""

    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


def bars(bins: Sequence[Bin], width: float = 600, height: float = 240, gap: float = 4) -> list[Bar]:
    """Bar geometry for a server-drawn chart: heights scale to the largest bin."""
    top = max((b.count for b in bins), default=0) or 1
    step = width / max(len(bins), 1)
    return [
        Bar(round(i * step + gap / 2, 2), round(height - b.count * height / top, 2), round(step - gap, 2),
            round(b.count * height / top, 2), b.label, b.count)
        for i, b in enumerate(bins)
    ]
