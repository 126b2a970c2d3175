"""Contest rules: per-question server deadlines, scoring a round, and fair-play checks.

The server is the only clock. A question is shown when the server hands it out; the member sees a
countdown of `seconds` and an answer still counts if it arrives within `seconds + allowance` (network
latency). A round scores one point per correct answer in time; ties are then broken by time used.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta


def deadline(shown_at: datetime, seconds: int) -> datetime:
    """The countdown's end as the member sees it."""
    return shown_at + timedelta(seconds=seconds)


def accepts(shown_at: datetime, seconds: int, allowance: int, received_at: datetime) -> bool:
    """Whether an answer received at `received_at` still counts (countdown plus latency allowance)."""
    return received_at <= shown_at + timedelta(seconds=seconds + allowance)


def expired(shown_at: datetime, seconds: int, allowance: int, now: datetime) -> bool:
    """No answer can count any more: the server may move the member on."""
    return not accepts(shown_at, seconds, allowance, now)


def elapsed_ms(shown_at: datetime, answered_at: datetime) -> int:
    return max(0, round((answered_at - shown_at).total_seconds() * 1000))


@dataclass(frozen=True)
class Answered:
    """One question of a round as scored: correct in time, and how long it took (None: no answer)."""

    correct: bool
    elapsed_ms: int | None


@dataclass(frozen=True)
class RoundScore:
    score: int
    time_used_ms: int


def score_round(items: list[Answered], seconds: int) -> RoundScore:
    """Correct answers in time; time is the sum of answer times capped at the countdown, the full
    countdown for a question left unanswered or answered late (so skipping never saves time)."""
    cap = seconds * 1000
    time_used = 0
    for item in items:
        time_used += cap if item.elapsed_ms is None else min(item.elapsed_ms, cap)
    return RoundScore(sum(1 for item in items if item.correct), time_used)


def better(a: tuple[int, int, datetime], b: tuple[int, int, datetime]) -> bool:
    """(score, time_ms, finished_at): more points, then less time, then who got there first."""
    return (-a[0], a[1], a[2]) < (-b[0], b[1], b[2])


# ---- fair play -------------------------------------------------------------------------------------

FAST = "fast"
IDENTICAL = "identical"
FLAG_LABELS = {FAST: "答题过快", IDENTICAL: "答题序列与他人雷同"}
#: Two rounds' answer times "near-identical" when every question differs by at most this much.
TIMING_TOLERANCE_MS = 400


def fast_answers(items: list[Answered], threshold_ms: int) -> int:
    """Correct answers given faster than a person can read the question (a fast wrong answer gains nothing)."""
    return sum(1 for item in items if item.correct and item.elapsed_ms is not None and item.elapsed_ms < threshold_ms)


def sequence_key(version_ids: list[int], responses: list[object]) -> str:
    """A fingerprint of the questions in order and the responses given: equal keys, identical sequences."""
    payload = json.dumps([version_ids, responses], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def near_identical_timing(a: list[int | None], b: list[int | None], tolerance_ms: int = TIMING_TOLERANCE_MS) -> bool:
    """Per-question answer times of two rounds that agree within the tolerance everywhere."""
    if len(a) != len(b) or not a:
        return False
    for x, y in zip(a, b):
        if (x is None) != (y is None):
            return False
        if x is not None and abs(x - y) > tolerance_ms:
            return False
    return True
