"""Organizers write study modules in the browser: modules, chapters, audiences, draft / published.

Who may do what (one rule, used by every organizer page):
- a browser module (source "web") belongs to a unit (`owner_unit_id`): the organizer's unit when an
  organizer creates it, the organization when an administrator does; whoever manages that unit edits it;
- a file module (source "file", from content/) may be edited in the browser by administrators only;
  the edit sets `edited_in_browser_at`, and load-content then reports a conflict instead of overwriting;
- organizers see file modules and modules owned by a unit above them read-only (for reports and
  group-study sessions); a module of another branch or another organization is "not found".

Chapter saving and versions live in `services.chapters`.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ..domain.rendering import render_markdown
from ..models import Module, ModuleAudience, Unit, User
from .errors import Invalid, NotFound
from .scope import organization_root, subtree, unit_tree, with_ancestors

STATUSES = {"draft": "草稿", "published": "已发布"}


def organization_units(session: Session, actor: User) -> set[int]:
    """Every unit of the actor's organization."""
    return subtree(unit_tree(session), {organization_root(session, actor.unit_id)})


def readable_modules(session: Session, actor: User, managed: set[int]) -> list[Module]:
    """Modules an organizer may look at: file modules, those owned within or above their units."""
    owners = with_ancestors(session, managed)
    query = select(Module).where(or_(Module.owner_unit_id.is_(None), Module.owner_unit_id.in_(owners)))
    return list(session.scalars(query.order_by(Module.order, Module.id)))


def get_module(session: Session, actor: User, managed: set[int], module_id: int) -> Module:
    """A module the actor may read; NotFound for another branch's or organization's module."""
    module = session.get(Module, module_id)
    if module is None or (module.owner_unit_id is not None
                          and module.owner_unit_id not in with_ancestors(session, managed)):
        raise NotFound("学习专题不存在")
    return module


def can_edit(actor: User, module: Module, managed: set[int]) -> bool:
    if module.source == "file":
        return actor.is_admin
    return module.owner_unit_id in managed


def get_editable_module(session: Session, actor: User, managed: set[int], module_id: int) -> Module:
    """A module the actor may change; a readable one they may not change is also "not found"."""
    module = get_module(session, actor, managed, module_id)
    if not can_edit(actor, module, managed):
        raise NotFound("学习专题不存在或您无权修改")
    return module


def default_owner(session: Session, actor: User, managed: set[int]) -> int:
    """Administrators create for their organization; organizers for their own (managed) unit."""
    if actor.is_admin:
        return organization_root(session, actor.unit_id)
    if actor.unit_id in managed:
        return actor.unit_id
    scopes = sorted(scope.unit_id for scope in actor.scopes)
    if not scopes:
        raise Invalid("您尚未被指定管理任何支部")
    return scopes[0]


def create_module(session: Session, actor: User, managed: set[int], *, title: str, summary: str = "",
                  order: int = 0, audience: str = "", now: datetime) -> Module:
    """A new draft module written in the browser."""
    module = Module(slug=f"web-{secrets.token_hex(5)}", source="web", status="draft",
                    owner_unit_id=default_owner(session, actor, managed), created_at=now, updated_at=now)
    _set_fields(module, title, summary, order, audience)
    session.add(module)
    session.flush()
    return module


def update_module(session: Session, actor: User, module: Module, *, title: str, summary: str, order: int,
                  audience: str, now: datetime) -> None:
    _set_fields(module, title, summary, order, audience)
    touch(module, now)
    session.flush()


def touch(module: Module, now: datetime) -> None:
    """Record a browser edit; on a file module this makes load-content report a conflict."""
    module.updated_at = now
    if module.source == "file":
        module.edited_in_browser_at = now


def audience_ids(session: Session, module: Module) -> list[int]:
    return list(session.scalars(select(ModuleAudience.unit_id).where(ModuleAudience.module_id == module.id)))


def publish(session: Session, actor: User, managed: set[int], module: Module, unit_ids: set[int],
            now: datetime) -> None:
    """Publish to the chosen units (each with everything below it); only units the actor manages."""
    if not unit_ids:
        raise Invalid("请至少选择一个发布范围")
    outside = unit_ids - managed
    if outside:
        raise Invalid("只能发布到您管理的组织或支部")
    if not module.chapters:
        raise Invalid("专题还没有章节，不能发布")
    session.execute(delete(ModuleAudience).where(ModuleAudience.module_id == module.id))
    session.add_all(ModuleAudience(module_id=module.id, unit_id=unit_id) for unit_id in sorted(unit_ids))
    module.status = "published"
    touch(module, now)
    session.flush()


def unpublish(session: Session, module: Module, now: datetime) -> None:
    """Back to draft: members no longer see it; audiences are kept for the next publish."""
    module.status = "draft"
    touch(module, now)
    session.flush()


def audience_choices(session: Session, managed: set[int]) -> list[Unit]:
    """Units the actor may publish to, organizations first, in tree order."""
    units = session.scalars(select(Unit).where(Unit.id.in_(managed)).order_by(Unit.sort_order, Unit.id))
    return sorted(units, key=lambda unit: (unit.kind != "organization", unit.sort_order, unit.id))


def render_note(md: str) -> str:
    return render_markdown(md) if md.strip() else ""


def _set_fields(module: Module, title: str, summary: str, order: int, audience: str) -> None:
    title = (title or "").strip()
    if not title:
        raise Invalid("请填写专题标题")
    if len(title) > 200:
        raise Invalid("专题标题不能超过200字")
    module.title = title
    module.summary = (summary or "").strip()
    module.order = int(order or 0)
    module.audience = (audience or "").strip()[:100]
