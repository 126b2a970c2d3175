"""Who may see which branch's ledger: organizers their managed branches, members their own branch."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Unit, User
from ...models.ledger import Activity, ActivityAttachment
from ..errors import NotFound


def managed_branches(session: Session, managed: set[int]) -> list[Unit]:
    """Branches (党支部) among the units an organizer manages, in tree order."""
    if not managed:
        return []
    query = select(Unit).where(Unit.id.in_(managed), Unit.kind == "branch").order_by(Unit.sort_order, Unit.id)
    return list(session.scalars(query))


def managed_branch(session: Session, managed: set[int], unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or unit.id not in managed or unit.kind != "branch":
        raise NotFound("支部不存在")
    return unit


def managed_activity(session: Session, managed: set[int], activity_id: int) -> Activity:
    """The activity, if it belongs to a branch the organizer manages; NotFound otherwise (never 403)."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.unit_id not in managed:
        raise NotFound("活动记录不存在")
    return activity


def managed_attachment(session: Session, managed: set[int], attachment_id: int) -> ActivityAttachment:
    attachment = session.get(ActivityAttachment, attachment_id)
    if attachment is None:
        raise NotFound("附件不存在")
    managed_activity(session, managed, attachment.activity_id)
    return attachment


def member_activity(session: Session, user: User, activity_id: int) -> Activity:
    """An activity of the member's own branch; other branches' activities do not exist for them."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.unit_id != user.unit_id:
        raise NotFound("活动记录不存在")
    return activity
