"""Platform indicators: one provider per kind, each ONE query over all branches of a round (never one per
branch), returning (numerator, denominator) per branch. The words and the rate→points arithmetic are in
domain.assessment.indicators; this module holds the queries.

Counted people are a branch's roll as the completion report counts it: active members and organizers
whose unit is the branch (administrators are not on a branch's roll).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ...domain.assessment.indicators import KINDS, percent, points
from ...domain.ledger.compliance import DONE, OVERDUE, branch_year
from ...models import Chapter, Unit, User
from ...models.assessment import AssessmentIndicator
from ...models.exams import Attempt
from ...models.group_study import Attendance, StudySession, study_session_units
from ...models.progress import StudyProgress
from ..ledger import calendar as ledger_calendar

#: The ledger's periods are the organization's local months, quarters and years.
LEDGER_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Measure:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


#: A provider answers for all `branch_ids` at once.
Provider = Callable[[Session, list[int], AssessmentIndicator, datetime], "dict[int, Measure]"]


def _roll(branch_ids: list[int]):
    return (User.unit_id.in_(branch_ids), User.active.is_(True), User.role != "admin")


def _per_branch(rows) -> dict[int, Measure]:
    return {unit_id: Measure(int(done or 0), int(total or 0)) for unit_id, total, done in rows}


def exam_participation(session: Session, branch_ids: list[int], indicator: AssessmentIndicator,
                       snapshot: datetime) -> dict[int, Measure]:
    """People of the branch with a submitted attempt in any chosen sitting, over the branch's roll."""
    sat = (select(Attempt.user_id.label("user_id")).where(
        Attempt.sitting_id.in_(indicator.scope_ids or [-1]), Attempt.status == "submitted",
        Attempt.submitted_at <= snapshot).distinct().subquery())
    return _per_branch(session.execute(
        select(User.unit_id, func.count(User.id), func.count(sat.c.user_id))
        .outerjoin(sat, sat.c.user_id == User.id).where(*_roll(branch_ids)).group_by(User.unit_id)))


def exam_pass_rate(session: Session, branch_ids: list[int], indicator: AssessmentIndicator,
                   snapshot: datetime) -> dict[int, Measure]:
    """People of the branch who passed a chosen sitting at least once, over the branch's roll."""
    passed = (select(Attempt.user_id.label("user_id")).where(
        Attempt.sitting_id.in_(indicator.scope_ids or [-1]), Attempt.status == "submitted",
        Attempt.passed.is_(True), Attempt.submitted_at <= snapshot).distinct().subquery())
    return _per_branch(session.execute(
        select(User.unit_id, func.count(User.id), func.count(passed.c.user_id))
        .outerjoin(passed, passed.c.user_id == User.id).where(*_roll(branch_ids)).group_by(User.unit_id)))


def study_completion(session: Session, branch_ids: list[int], indicator: AssessmentIndicator,
                     snapshot: datetime) -> dict[int, Measure]:
    """Chapters marked studied by the branch's people, over people × chapters of the chosen modules."""
    chapters = select(Chapter.id).where(Chapter.module_id.in_(indicator.scope_ids or [-1]))
    chapter_count = select(func.count()).select_from(chapters.subquery()).scalar_subquery()
    done = (select(StudyProgress.user_id.label("user_id"), func.count(StudyProgress.id).label("n"))
            .where(StudyProgress.chapter_id.in_(chapters), StudyProgress.completed_at.is_not(None),
                   StudyProgress.completed_at <= snapshot)
            .group_by(StudyProgress.user_id).subquery())
    rows = session.execute(
        select(User.unit_id, func.count(User.id) * chapter_count, func.coalesce(func.sum(done.c.n), 0))
        .outerjoin(done, done.c.user_id == User.id).where(*_roll(branch_ids)).group_by(User.unit_id))
    return _per_branch(rows)


def group_study_attendance(session: Session, branch_ids: list[int], indicator: AssessmentIndicator,
                           snapshot: datetime) -> dict[int, Measure]:
    """Sign-ins of the branch's people at sessions over by the snapshot that invited the branch (or a unit
    above it), over sessions × roll. The unit chain is walked inside the database."""
    chain = (select(Unit.id.label("branch_id"), Unit.id.label("unit_id"), Unit.parent_id.label("parent_id"))
             .where(Unit.id.in_(branch_ids)).cte("assessment_chain", recursive=True))
    chain = chain.union_all(select(chain.c.branch_id, Unit.id, Unit.parent_id)
                            .join(Unit, Unit.id == chain.c.parent_id))
    invited = (select(chain.c.branch_id.label("branch_id"), study_session_units.c.session_id.label("session_id"))
               .join(study_session_units, study_session_units.c.unit_id == chain.c.unit_id)
               .join(StudySession, StudySession.id == study_session_units.c.session_id)
               .where(StudySession.ends_at <= snapshot).distinct().cte("assessment_invited"))
    sessions = (select(invited.c.branch_id, func.count(invited.c.session_id).label("n"))
                .group_by(invited.c.branch_id).subquery())
    roll = (select(User.unit_id.label("branch_id"), func.count(User.id).label("n"))
            .where(*_roll(branch_ids)).group_by(User.unit_id).subquery())
    signed = (select(User.unit_id.label("branch_id"), func.count(Attendance.id).label("n"))
              .join(Attendance, Attendance.user_id == User.id)
              .join(invited, and_(invited.c.session_id == Attendance.session_id, invited.c.branch_id == User.unit_id))
              .where(*_roll(branch_ids)).group_by(User.unit_id).subquery())
    rows = session.execute(
        select(roll.c.branch_id, roll.c.n * func.coalesce(sessions.c.n, 0), func.coalesce(signed.c.n, 0))
        .outerjoin(sessions, sessions.c.branch_id == roll.c.branch_id)
        .outerjoin(signed, signed.c.branch_id == roll.c.branch_id))
    return _per_branch(rows)


def ledger_compliance(session: Session, branch_ids: list[int], indicator: AssessmentIndicator,
                      snapshot: datetime) -> dict[int, Measure]:
    """Share of the activities the Regulations made due by the snapshot that the ledger shows held.

    Read from the compliance calendar of the snapshot's year (services.ledger.calendar): held = periods
    with the activity recorded as 已开展; due = those plus the periods that ended without it (逾期未开展).
    A period still running at the snapshot counts only once it is held. Three statements whatever the
    number of branches: full members, 党小组, the year's activities.
    """
    zone = ZoneInfo(LEDGER_ZONE)
    year = snapshot.astimezone(zone).year
    facts, days = ledger_calendar.branch_facts(session, branch_ids), ledger_calendar.year_days(
        session, branch_ids, year, zone)
    measures = {}
    for branch_id in branch_ids:
        cells = branch_year(facts[branch_id], year, days[branch_id][0], snapshot, zone).cells
        held = sum(1 for cell in cells if cell.state == DONE)
        measures[branch_id] = Measure(held, held + sum(1 for cell in cells if cell.state == OVERDUE))
    return measures


PROVIDERS: dict[str, Provider] = {
    "exam_participation": exam_participation,
    "exam_pass_rate": exam_pass_rate,
    "study_completion": study_completion,
    "group_study_attendance": group_study_attendance,
    "ledger_compliance": ledger_compliance,
}
assert PROVIDERS.keys() == KINDS.keys()  # every kind in the domain has exactly one provider


def compute(session: Session, indicators: list[AssessmentIndicator], branch_ids: list[int],
            snapshot: datetime) -> dict[tuple[int, int], tuple[float | None, str]]:
    """(indicator id, branch id) → (points or None, how it was computed): one query per platform indicator."""
    found: dict[tuple[int, int], tuple[float | None, str]] = {}
    for indicator in indicators:
        if indicator.source != "platform":
            continue
        measures = PROVIDERS[indicator.platform_kind](session, branch_ids, indicator, snapshot)
        for branch_id in branch_ids:
            measure = measures.get(branch_id, Measure(0, 0))
            score = points(measure.rate, indicator.max_points)
            if score is None:
                found[(indicator.id, branch_id)] = (None, "无应参加人员或活动，本项由验收人员人工评分")
            else:
                found[(indicator.id, branch_id)] = (score, percent(measure.numerator, measure.denominator))
    return found


__all__ = ["PROVIDERS", "Measure", "compute"]
