"""Sitting planner: split an audience of branches into sittings, keeping each branch together.

Either into N sittings as even as whole branches allow (largest branch first into the smallest
sitting), or into sittings of at most K members (first fit, largest first); a branch larger than K
gets a sitting of its own. Results are deterministic: ties are broken by branch id.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Group:
    """A branch (or any unit kept whole) and how many members it brings."""

    unit_id: int
    members: int


@dataclass
class Batch:
    unit_ids: list[int] = field(default_factory=list)
    members: int = 0

    def add(self, group: Group) -> None:
        self.unit_ids.append(group.unit_id)
        self.members += group.members


def _largest_first(groups: list[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: (-g.members, g.unit_id))


def split_into(groups: list[Group], n: int) -> list[Batch]:
    """At most N batches (fewer when there are fewer branches), as balanced as possible."""
    if n < 1:
        raise ValueError("n must be at least 1")
    batches = [Batch() for _ in range(min(n, len(groups)))]
    for group in _largest_first(groups):
        min(batches, key=lambda b: b.members).add(group)  # min() keeps the first of equals
    return _tidy(batches)


def split_by_max(groups: list[Group], k: int) -> list[Batch]:
    """Batches of at most K members each; a branch bigger than K is a batch by itself."""
    if k < 1:
        raise ValueError("k must be at least 1")
    batches: list[Batch] = []
    for group in _largest_first(groups):
        home = next((b for b in batches if b.unit_ids and b.members + group.members <= k), None)
        if home is None or group.members > k:
            home = Batch()
            batches.append(home)
        home.add(group)
    return _tidy(batches)


def _tidy(batches: list[Batch]) -> list[Batch]:
    for batch in batches:
        batch.unit_ids.sort()
    return [b for b in batches if b.unit_ids]


def stagger(first_opens_at: datetime, length: timedelta, gap: timedelta, n: int) -> list[tuple[datetime, datetime]]:
    """(opens, closes) for N batches one after another: each open `length`, the next opening `gap` after
    the previous one closes. A proposal: the organizer may still move any of them before saving."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if length <= timedelta(0) or gap < timedelta(0):
        raise ValueError("length must be positive and gap not negative")
    times, opens = [], first_opens_at
    for _ in range(n):
        times.append((opens, opens + length))
        opens = opens + length + gap
    return times
