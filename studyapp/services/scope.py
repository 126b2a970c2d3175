"""Which units a person may manage: one rule used by every organizer and admin page."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..models import Unit, User


def unit_tree(session: Session) -> dict[int, list[int]]:
    """Children by parent id for the whole tree (small: thousands of units at most)."""
    children: dict[int, list[int]] = {}
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    return children


def subtree(children: dict[int, list[int]], roots: set[int]) -> set[int]:
    found, stack = set(), list(roots)
    while stack:
        unit_id = stack.pop()
        if unit_id in found:
            continue
        found.add(unit_id)
        stack.extend(children.get(unit_id, ()))
    return found


def managed_unit_ids(session: Session, user: User) -> set[int]:
    """Units (with all below them) the user manages: admins their organization, organizers their scopes."""
    if user.role == "admin":
        roots = {user.unit_id}
    elif user.role == "organizer":
        roots = {scope.unit_id for scope in user.scopes}
    else:
        return set()
    return subtree(unit_tree(session), roots)


def can_manage_user(session: Session, actor: User, target: User) -> bool:
    return target.unit_id in managed_unit_ids(session, actor)


def ancestors(session: Session, unit_id: int) -> list[int]:
    """The unit and every unit above it, nearest first (a member is in the subtree of each)."""
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    chain, current = [], unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def ancestors_select(unit_id):
    """ancestors() as a SELECT of ids, walked up inside the database: a filter on every member page
    costs no round trip of its own. unit_id may be a bindparam."""
    chain = select(Unit.id, Unit.parent_id).where(Unit.id == unit_id).cte("unit_chain", recursive=True)
    parent = aliased(Unit)
    chain = chain.union(select(parent.id, parent.parent_id).join(chain, parent.id == chain.c.parent_id))
    return select(chain.c.id)


def organization_root(session: Session, unit_id: int) -> int:
    """The top-level organization a unit belongs to; objects of other roots are never shown."""
    return ancestors(session, unit_id)[-1]


def with_ancestors(session: Session, unit_ids: set[int]) -> set[int]:
    """The units and every unit above them: what covers (invites, publishes to) any of them."""
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    found = set(unit_ids)
    for unit_id in unit_ids:
        parent = parents.get(unit_id)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parents.get(parent)
    return found
