"""示范点 dynamic management: why a named demonstration branch needs review (待复核)."""
from __future__ import annotations

from .grading import Scale


def review_reasons(scale: Scale | None, latest_grade: str | None, keep_at: str | None,
                   overdue_problems: int) -> list[str]:
    """Reasons to flag a 示范点: its latest grade below `keep_at` (default: the scale's best), problems overdue."""
    reasons = []
    if scale is not None and latest_grade is not None and latest_grade in scale.labels:
        floor = keep_at if keep_at in scale.labels else scale.labels[0]
        if scale.rank(latest_grade) > scale.rank(floor):
            reasons.append(f"最近一次评定为“{latest_grade}”，低于“{floor}”")
    if overdue_problems:
        reasons.append(f"有 {overdue_problems} 个问题逾期未整改")
    return reasons
