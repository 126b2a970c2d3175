"""Who a report is about: a sitting's audience within the caller's scope, and which objects they may see.

The audience of a sitting is every active person in its units (with all units below them) plus the
members listed by name, the rule the exam pages use (services.exams.sittings.audience_members),
expressed here as a SQL condition so reports can GROUP BY over it instead of loading people.
Administrators are left out, as in the study-completion report: they are not on a branch's roll, and
an organization-wide sitting would otherwise list them as absent.
An organizer sees a sitting when its exam belongs to a unit they manage or its audience reaches one of
their units; the figures then cover only their units. Anything else does not exist for them (404).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from ...models import User
from ...models.exams import Exam, Sitting, SittingMember
from ..errors import NotFound
from ..scope import subtree, unit_tree

Scope = set[int] | None  # managed unit ids; None: no restriction (command line)


@dataclass
class Audience:
    sitting: Sitting
    units: set[int]  # audience units with everything below them
    scope: Scope

    def condition(self):
        """WHERE clause on User: active, not an administrator, in the audience, inside the scope."""
        listed = select(SittingMember.user_id).where(SittingMember.sitting_id == self.sitting.id)
        clause = and_(User.active.is_(True), User.role != "admin",
                      or_(User.unit_id.in_(self.units or {-1}), User.id.in_(listed)))
        if self.scope is not None:
            clause = and_(clause, User.unit_id.in_(self.scope or {-1}))
        return clause


def audience_for(session: Session, sitting: Sitting, scope: Scope, tree: dict | None = None) -> Audience:
    roots = {su.unit_id for su in sitting.units}
    return Audience(sitting, subtree(tree or unit_tree(session), roots) if roots else set(), scope)


def _visible(session: Session, sitting: Sitting, scope: Scope, tree: dict | None = None) -> bool:
    if scope is None or sitting.exam.owner_unit_id in scope:
        return True
    audience = audience_for(session, sitting, scope, tree)
    if audience.units & scope:
        return True
    return session.scalar(select(exists().where(
        SittingMember.sitting_id == sitting.id, SittingMember.user_id == User.id, User.unit_id.in_(scope or {-1})
    ))) or False


def is_visible(session: Session, sitting: Sitting, scope: Scope, tree: dict | None = None) -> bool:
    """Whether the caller may see the sitting (the rule every page and export asks)."""
    return _visible(session, sitting, scope, tree)


def reportable_sitting(session: Session, sitting_id: int, scope: Scope) -> Sitting:
    sitting = session.get(Sitting, sitting_id)
    if sitting is None or not _visible(session, sitting, scope):
        raise NotFound("场次不存在")
    return sitting


def reportable_exam(session: Session, exam_id: int, scope: Scope) -> Exam:
    """The exam if the caller owns it or sees one of its sittings."""
    exam = session.get(Exam, exam_id)
    if exam is None:
        raise NotFound("考试不存在")
    if scope is None or exam.owner_unit_id in scope:
        return exam
    tree = unit_tree(session)
    if any(_visible(session, sitting, scope, tree) for sitting in exam.sittings):
        return exam
    raise NotFound("考试不存在")


def reportable_member(session: Session, user_id: int, scope: Scope) -> User:
    person = session.get(User, user_id)
    if person is None or (scope is not None and person.unit_id not in scope):
        raise NotFound("党员不存在")
    return person


def visible_sittings(session: Session, scope: Scope) -> list[Sitting]:
    """Sittings the caller may report on, newest first."""
    sittings = session.scalars(
        select(Sitting).join(Exam).options(selectinload(Sitting.exam), selectinload(Sitting.units))
        .order_by(Sitting.opens_at.desc(), Sitting.id.desc())
    )
    tree = unit_tree(session)
    return [s for s in sittings if _visible(session, s, scope, tree)]
