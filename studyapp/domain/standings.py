"""Standings: ranking members by their best round, branches by mean score and participation, freeze.

Members rank by score (more is better), then time used (less is better), then who reached that
result first (earlier finish of the best round). Branches are NOT ranked by summed points, which a
big branch would win by size: they rank by the mean over their whole audience (a member who did not
play counts 0), then by participation rate, and both figures are shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Entry:
    user_id: int
    score: int
    time_ms: int
    reached_at: datetime


def rank_key(entry: Entry) -> tuple:
    return (-entry.score, entry.time_ms, entry.reached_at, entry.user_id)


def ranked(entries: list[Entry]) -> list[tuple[int, Entry]]:
    """Entries in board order with their rank (1-based); equal keys cannot happen: reached_at breaks ties."""
    return [(n, entry) for n, entry in enumerate(sorted(entries, key=rank_key), start=1)]


def best_of(entries: list[Entry]) -> Entry | None:
    """A member's best round: the member's score is their best round, not a sum."""
    return min(entries, key=rank_key) if entries else None


@dataclass(frozen=True)
class BranchRow:
    unit_id: int
    name: str
    audience: int
    participants: int
    score_sum: float
    time_sum: float

    @property
    def participation(self) -> float:
        return self.participants / self.audience if self.audience else 0.0

    @property
    def mean_score(self) -> float:
        """Mean best score of those who played."""
        return self.score_sum / self.participants if self.participants else 0.0

    @property
    def audience_mean(self) -> float:
        """Mean over the whole audience (non-players count 0): the ranking figure."""
        return self.score_sum / self.audience if self.audience else 0.0

    @property
    def mean_time_ms(self) -> float:
        return self.time_sum / self.participants if self.participants else 0.0


def rank_branches(rows: list[BranchRow]) -> list[BranchRow]:
    """Best first: audience mean, then participation rate, then faster mean time, then name."""
    return sorted(rows, key=lambda r: (-round(r.audience_mean, 6), -round(r.participation, 6), r.mean_time_ms, r.name))


# ---- freeze ----------------------------------------------------------------------------------------


def freeze_at(closes_at: datetime, freeze_minutes: int) -> datetime | None:
    """When the public board stops moving; None when the contest never freezes."""
    return closes_at - timedelta(minutes=freeze_minutes) if freeze_minutes > 0 else None


def is_frozen(now: datetime, closes_at: datetime, freeze_minutes: int) -> bool:
    """The public board is frozen from freeze_at until results are final at the close."""
    moment = freeze_at(closes_at, freeze_minutes)
    return moment is not None and moment <= now < closes_at


def counts_on_public(finished_at: datetime, closes_at: datetime, freeze_minutes: int) -> bool:
    """A round reaches the public board only if it finished before the freeze."""
    moment = freeze_at(closes_at, freeze_minutes)
    return moment is None or finished_at < moment


def public_board(now: datetime, closes_at: datetime, freeze_minutes: int) -> str:
    """Which stored board the public sees now: frozen during the last minutes, live otherwise."""
    return "public" if is_frozen(now, closes_at, freeze_minutes) else "live"
