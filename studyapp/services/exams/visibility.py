"""Which exams an organizer sees in 考试管理 and which they may change or schedule: one rule for every page."""
from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ...models import User
from ...models.exams import Exam, Sitting, SittingMember, SittingUnit
from ..errors import NotFound
from ..scope import with_ancestors


def visible_condition(session: Session, managed: set[int]):
    """WHERE clause on Exam: the exams an organizer sees in 考试管理. Their own units' exams (to change),
    and, read-only, the published exams of the units above them (their organization's) and every exam
    with a sitting whose audience reaches their units (the reports' rule for sittings)."""
    covering = with_ancestors(session, managed) if managed else set()
    reaching = select(Sitting.exam_id).where(Sitting.id.in_(
        select(SittingUnit.sitting_id).where(SittingUnit.unit_id.in_(covering or {-1}))))
    listed = (select(Sitting.exam_id).join(SittingMember, SittingMember.sitting_id == Sitting.id)
              .join(User, User.id == SittingMember.user_id).where(User.unit_id.in_(managed or {-1})))
    return or_(Exam.owner_unit_id.in_(managed or {-1}),
               and_(Exam.status == "published", Exam.owner_unit_id.in_(covering or {-1})),
               Exam.id.in_(reaching), Exam.id.in_(listed))


def visible_exam(session: Session, exam_id: int, managed: set[int]) -> Exam:
    """The exam if the caller may see it (visible_condition); anything else does not exist."""
    exam = session.scalar(select(Exam).where(Exam.id == exam_id, visible_condition(session, managed)))
    if exam is None:
        raise NotFound("考试不存在")
    return exam


def may_schedule(session: Session, exam: Exam, managed: set[int]) -> bool:
    """An exam's own organizers schedule it in any state; others only once it is published."""
    return exam.owner_unit_id in managed or exam.status == "published"


def exams_for(session: Session, managed: set[int]) -> list[Exam]:
    return list(session.scalars(
        select(Exam).where(visible_condition(session, managed)).order_by(Exam.created_at.desc(), Exam.id.desc())
    ))
