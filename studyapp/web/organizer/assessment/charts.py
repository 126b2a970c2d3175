"""Charts drawn on the server as inline SVG geometry (no script, no CDN: passes the CSP); every chart's
page also shows the same numbers as a table."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 360, 180


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


def grade_bars(distribution: list[tuple[str, int]]) -> list[Bar]:
    """One vertical bar per grade, best first, scaled to the largest count."""
    if not distribution:
        return []
    top = max(count for _, count in distribution) or 1
    slot = WIDTH / len(distribution)
    bars = []
    for n, (label, count) in enumerate(distribution):
        height = HEIGHT * count / top
        bars.append(Bar(label, count, round(n * slot + slot * 0.15, 1), round(HEIGHT - height, 1),
                        round(slot * 0.7, 1), round(height, 1)))
    return bars


def standard_bars(points: list[tuple[str, float, float, float]]) -> list[dict]:
    """Horizontal bars of a branch per standard against the median: (name, full, own, median) → shares."""
    return [{"name": name, "full": full, "own": own, "median": median,
             "own_w": round(240 * own / full, 1) if full else 0, "median_x": round(240 * median / full, 1) if full else 0}
            for name, full, own, median in points]
