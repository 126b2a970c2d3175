"""The spot-check draw (抽查复检): which branches are re-reviewed, reproducible from its recorded seed."""
from __future__ import annotations

import random
from collections.abc import Iterable


def spot_check(branch_ids: Iterable[int], count: int, seed: int) -> list[int]:
    """`count` branches drawn from `branch_ids` with `seed`, sorted; the same inputs give the same draw."""
    pool = sorted(set(branch_ids))
    if count <= 0 or not pool:
        return []
    return sorted(random.Random(seed).sample(pool, min(count, len(pool))))


def new_seed(rng: random.Random) -> int:
    """A seed to record before drawing (fits a signed 64-bit column)."""
    return rng.randrange(1, 2**62)
