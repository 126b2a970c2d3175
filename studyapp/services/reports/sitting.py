"""A sitting's results by branch, its score distribution and the live monitor.

A fixed number of statements whatever the audience size: the unit tree, the counts per branch
(GROUP BY), and one list of counted scores for medians and the histogram. The attempt that counts
for a member is chosen in SQL by a window function with the same rule as domain.scoring.counting_attempt:
"highest" = best score, earliest attempt on a tie; "last" = highest attempt number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...domain import statistics
from ...domain.scoring import LAST, percent
from ...models import Unit, User
from ...models.exams import Attempt, Sitting
from .audience import Audience


def counting_order(exam) -> tuple:
    """ORDER BY putting the attempt that counts first (domain.scoring.counting_attempt's rule)."""
    return (Attempt.number.desc(),) if exam.counting == LAST else (Attempt.score.desc(), Attempt.number.asc())


def counted_attempts(sitting: Sitting):
    """Subquery: each member's submitted attempts, rn = 1 on the one that counts."""
    order = counting_order(sitting.exam)
    return (
        select(Attempt.id, Attempt.user_id, Attempt.score, Attempt.max_score, Attempt.passed,
               Attempt.time_used_seconds, Attempt.submitted_at,
               func.row_number().over(partition_by=Attempt.user_id, order_by=order).label("rn"))
        .where(Attempt.sitting_id == sitting.id, Attempt.status == "submitted")
        .subquery("counted")
    )


def attempt_counts(sitting: Sitting):
    """Subquery: per member, how many attempts, and whether one is submitted / in progress."""
    return (
        select(Attempt.user_id,
               func.count(Attempt.id).label("attempts"),
               func.max(case((Attempt.status == "submitted", 1), else_=0)).label("submitted"),
               func.max(case((Attempt.status == "in_progress", 1), else_=0)).label("in_progress"))
        .where(Attempt.sitting_id == sitting.id, Attempt.started)
        .group_by(Attempt.user_id)
        .subquery("tally")
    )


@dataclass
class BranchRow:
    unit_id: int
    name: str
    rank: int
    figures: statistics.Participation


@dataclass
class SittingSummary:
    sitting: Sitting
    total: statistics.Participation
    branches: list[BranchRow]
    bins: list[statistics.Bin]
    failed: int = 0  # sat and did not pass
    percents: list[float] = field(default_factory=list, repr=False)


def _unit_names(session: Session, unit_ids) -> dict[int, tuple[str, int]]:
    return {uid: (name, order) for uid, name, order in session.execute(
        select(Unit.id, Unit.name, Unit.sort_order).where(Unit.id.in_(set(unit_ids) or {-1})))}


def sitting_summary(session: Session, audience: Audience) -> SittingSummary:
    """Participation per branch (ranked), the totals, and the distribution of counted scores."""
    who = audience.condition()
    expected = dict(session.execute(
        select(User.unit_id, func.count(User.id)).where(who).group_by(User.unit_id)).all())
    counted = counted_attempts(audience.sitting)
    scores: dict[int, list[float]] = {unit_id: [] for unit_id in expected}
    passed: dict[int, int] = {unit_id: 0 for unit_id in expected}
    percents: list[float] = []
    for unit_id, score, max_score, ok in session.execute(
        select(User.unit_id, counted.c.score, counted.c.max_score, counted.c.passed)
        .join(counted, counted.c.user_id == User.id).where(who, counted.c.rn == 1)
    ):
        scores[unit_id].append(score)
        passed[unit_id] += bool(ok)
        percents.append(percent(score, max_score))
    names = _unit_names(session, expected)
    groups = [(unit_id, statistics.participation(expected[unit_id], scores[unit_id], passed[unit_id]))
              for unit_id in sorted(expected, key=lambda u: (names[u][1], names[u][0]))]
    branches = [BranchRow(r.key, names[r.key][0], r.rank, r.figures) for r in statistics.rank_groups(groups)]
    everyone = [s for values in scores.values() for s in values]
    total = statistics.participation(sum(expected.values()), everyone, sum(passed.values()))
    return SittingSummary(audience.sitting, total, branches, statistics.histogram(percents),
                          total.sat - total.passed, percents)


@dataclass
class MonitorRow:
    unit_id: int
    name: str
    expected: int
    in_progress: int
    submitted: int

    @property
    def started(self) -> int:
        return self.in_progress + self.submitted

    @property
    def not_started(self) -> int:
        return self.expected - self.started

    def as_dict(self) -> dict:
        return {"unit_id": self.unit_id, "name": self.name, "expected": self.expected, "started": self.started,
                "in_progress": self.in_progress, "submitted": self.submitted, "not_started": self.not_started}


def monitor(session: Session, audience: Audience) -> list[MonitorRow]:
    """Per branch: in the audience, answering now, submitted (at least once), not started. One GROUP BY."""
    tally = attempt_counts(audience.sitting)
    rows = session.execute(
        select(User.unit_id, func.count(User.id),
               func.sum(case((tally.c.submitted == 1, 0), (tally.c.in_progress == 1, 1), else_=0)),
               func.sum(case((tally.c.submitted == 1, 1), else_=0)))
        .outerjoin(tally, tally.c.user_id == User.id).where(audience.condition()).group_by(User.unit_id)
    ).all()
    names = _unit_names(session, [r[0] for r in rows])
    result = [MonitorRow(unit_id, names[unit_id][0], n, int(going or 0), int(done or 0))
              for unit_id, n, going, done in rows]
    return sorted(result, key=lambda r: (names[r.unit_id][1], r.name))
