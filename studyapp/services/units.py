"""The organization tree as administrators see and change it."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Unit, User
from ..models.org import UNIT_KINDS
from .errors import Conflict, Invalid, NotFound

MAX_NAME = 100


@dataclass
class TreeNode:
    unit: Unit
    members: int  # active people directly in this unit
    children: list[TreeNode] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Active people in this unit and everything below it."""
        return self.members + sum(child.total for child in self.children)


def tree(session: Session, root_id: int, managed: set[int]) -> TreeNode:
    """The subtree under root_id with active-member counts, children in display order."""
    units = session.scalars(select(Unit).where(Unit.id.in_(managed)).order_by(Unit.sort_order, Unit.id)).all()
    counts = dict(session.execute(select(User.unit_id, func.count()).where(User.active, User.unit_id.in_(managed))
                                  .group_by(User.unit_id)).all())
    nodes = {unit.id: TreeNode(unit, counts.get(unit.id, 0)) for unit in units}
    for unit in units:
        if unit.id != root_id and unit.parent_id in nodes:
            nodes[unit.parent_id].children.append(nodes[unit.id])
    return nodes[root_id]


def create_unit(session: Session, managed: set[int], parent_id: int, name: str, kind: str) -> Unit:
    """A new branch or sub-organization under a unit the actor manages."""
    if parent_id not in managed:
        raise NotFound("上级单位不存在")
    if kind not in UNIT_KINDS:
        raise Invalid("未知的单位类型")
    name = _checked_name(name)
    _ensure_unique(session, parent_id, name)
    order = session.scalar(select(func.coalesce(func.max(Unit.sort_order), -1) + 1).where(Unit.parent_id == parent_id))
    unit = Unit(parent_id=parent_id, name=name, kind=kind, sort_order=order)
    session.add(unit)
    session.flush()
    return unit


def rename_unit(session: Session, managed: set[int], unit_id: int, name: str) -> Unit:
    unit = session.get(Unit, unit_id) if unit_id in managed else None
    if unit is None:
        raise NotFound("单位不存在")
    name = _checked_name(name)
    if name != unit.name:
        _ensure_unique(session, unit.parent_id, name)
        unit.name = name
    session.flush()
    return unit


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid("名称不能为空")
    if len(name) > MAX_NAME or "/" in name:
        raise Invalid(f"名称不超过{MAX_NAME}个字符，且不能包含“/”")
    return name


def _ensure_unique(session: Session, parent_id: int | None, name: str) -> None:
    taken = session.scalar(select(Unit.id).where(Unit.parent_id.is_(parent_id) if parent_id is None
                                                 else Unit.parent_id == parent_id, Unit.name == name))
    if taken:
        raise Conflict(f"同一上级下已有名为“{name}”的单位")


def flatten(node: TreeNode, depth: int = 0) -> list[tuple[Unit, int]]:
    """(unit, depth) in tree order, for indented select lists."""
    found = [(node.unit, depth)]
    for child in node.children:
        found.extend(flatten(child, depth + 1))
    return found
