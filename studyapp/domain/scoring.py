"""Scoring of an attempt and which attempt counts for a member's record."""
from __future__ import annotations

from dataclasses import dataclass

HIGHEST, LAST = "highest", "last"


def total(awarded: list[float]) -> float:
    return round(sum(awarded), 2)


def passed(score: float, max_score: float, pass_percent: int) -> bool:
    """score >= max_score * pass_percent / 100, compared without float noise."""
    return round(score * 100, 4) >= round(max_score * pass_percent, 4)


@dataclass(frozen=True)
class Scored:
    attempt_id: int
    number: int
    score: float


def counting_attempt(attempts: list[Scored], rule: str) -> int | None:
    """The id of the attempt that counts: the highest score (earliest on a tie) or the last one."""
    if not attempts:
        return None
    if rule == LAST:
        return max(attempts, key=lambda a: a.number).attempt_id
    return max(attempts, key=lambda a: (a.score, -a.number)).attempt_id


def percent(score: float, max_score: float) -> float:
    return round(score * 100 / max_score, 1) if max_score else 0.0
