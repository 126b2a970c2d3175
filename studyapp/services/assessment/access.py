"""Who may do what in an assessment: one home for the scope rules every assessment page asks.

- An administrator reviews every branch of their organization and runs the rounds.
- An organizer whose scope is a unit above a branch reviews it (a reviewer of that branch).
- An organizer whose scope is the branch itself is the branch organizer: they self-assess it and answer
  its problems, and see only it.
- Members see nothing, except their branch's published grade when the round is published to members.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import User
from ...models.assessment import AssessmentEntry, AssessmentEvidence, AssessmentProblem, AssessmentRound, AssessmentScheme
from ..errors import Forbidden, NotFound
from ..scope import organization_root

REVIEWER, BRANCH = "reviewer", "branch"


def role_for(actor: User, unit_id: int, managed: set[int]) -> str | None:
    """"reviewer", "branch" or None (not in scope) for one branch."""
    if unit_id not in managed:
        return None
    if actor.role == "admin":
        return REVIEWER
    direct = {scope.unit_id for scope in actor.scopes}
    return BRANCH if unit_id in direct else REVIEWER


def is_round_admin(session: Session, actor: User, organization_id: int) -> bool:
    return actor.role == "admin" and organization_root(session, actor.unit_id) == organization_id


def require_admin(session: Session, actor: User, organization_id: int) -> None:
    if not is_round_admin(session, actor, organization_id):
        raise Forbidden("只有本组织的管理员可以进行此操作")


def visible_round(session: Session, actor: User, managed: set[int], round_id: int) -> AssessmentRound:
    """A round that has at least one branch in the actor's scope; otherwise NotFound."""
    found = session.get(AssessmentRound, round_id)
    if found is None or not managed:
        raise NotFound("评估不存在")
    if is_round_admin(session, actor, found.organization_id):
        return found
    has = session.scalar(select(AssessmentEntry.id).where(
        AssessmentEntry.round_id == round_id, AssessmentEntry.unit_id.in_(managed)).limit(1))
    if has is None:
        raise NotFound("评估不存在")
    return found


def visible_entry(session: Session, actor: User, managed: set[int], round_id: int,
                  unit_id: int) -> tuple[AssessmentEntry, str]:
    """The branch's entry in the round and the actor's role for it; NotFound outside their scope."""
    role = role_for(actor, unit_id, managed)
    entry = session.scalar(select(AssessmentEntry).where(
        AssessmentEntry.round_id == round_id, AssessmentEntry.unit_id == unit_id))
    if entry is None or role is None:
        raise NotFound("该支部不在此次评估中")
    return entry, role


def visible_problem(session: Session, actor: User, managed: set[int], problem_id: int) -> tuple[AssessmentProblem, str]:
    problem = session.get(AssessmentProblem, problem_id)
    role = role_for(actor, problem.unit_id, managed) if problem is not None else None
    if role is None:
        raise NotFound("问题不存在")
    return problem, role


def visible_evidence(session: Session, actor: User, managed: set[int],
                     evidence_id: int) -> tuple[AssessmentEvidence, str]:
    """Evidence of a branch in the actor's scope (its score's or its problem's) and the actor's role."""
    item = session.get(AssessmentEvidence, evidence_id)
    if item is not None:
        unit_id = item.score.entry.unit_id if item.score_id is not None else item.problem.unit_id
        role = role_for(actor, unit_id, managed)
        if role is not None:
            return item, role
    raise NotFound("佐证材料不存在")


def visible_scheme(session: Session, actor: User, scheme_id: int) -> AssessmentScheme:
    scheme = session.get(AssessmentScheme, scheme_id)
    if scheme is None or organization_root(session, actor.unit_id) != scheme.organization_id:
        raise NotFound("评估方案不存在")
    return scheme
