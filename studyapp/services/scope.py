"""Which units a person may manage, and which submitted ids they may use: one rule per kind of id
(unit, module/bank, chapter, question, exam, sitting, contest), used by every organizer and admin page."""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session, aliased

from ..models import Chapter, Module, Question, Unit, User
from .errors import Invalid, NotFound


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


def ancestors_select(unit_id, nesting: bool = False):
    """ancestors() as a SELECT of ids, walked up inside the database: a filter on every member page
    costs no round trip of its own. unit_id may be a bindparam. nesting: the walk's WITH is written inside
    this SELECT rather than at the head of the whole statement."""
    chain = select(Unit.id, Unit.parent_id).where(Unit.id == unit_id).cte("unit_chain", recursive=True,
                                                                          nesting=nesting)
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


# ---- one scope check per kind of id an organizer can submit ------------------------------------------
# Each takes the id as submitted and answers with the object, or NotFound (another branch's object does
# not exist for this actor: neither its title nor its size is told). Lists offer exactly what passes.


def _bank_units(session: Session, actor: User) -> tuple[set[int], set[int]]:
    """(units the actor manages, units above them): banks owned by the first are theirs, published banks
    owned by the second (the organization's) they may use read-only."""
    managed = managed_unit_ids(session, actor)
    return managed, with_ancestors(session, managed) - managed


def bank_condition(session: Session, actor: User):
    """SQL condition on Module: the banks whose questions (and keys) the actor may see and build on."""
    if actor.role not in ("admin", "organizer"):
        return false()
    managed, above = _bank_units(session, actor)
    return or_(Module.owner_unit_id.is_(None), Module.owner_unit_id.in_(managed or {-1}),
               and_(Module.status == "published", Module.owner_unit_id.in_(above or {-1})))


def may_use_module(session: Session, actor: User, module: Module) -> bool:
    """Installation-wide banks, the banks of units the actor manages, and the published banks of the
    organization above them; never another branch's bank."""
    if actor.role not in ("admin", "organizer"):
        return False
    if module.owner_unit_id is None:
        return True
    managed, above = _bank_units(session, actor)
    return module.owner_unit_id in managed or (module.status == "published" and module.owner_unit_id in above)


def usable_modules(session: Session, actor: User) -> list[Module]:
    return list(session.scalars(select(Module).where(bank_condition(session, actor))
                                .order_by(Module.order, Module.id)))


def usable_module(session: Session, actor: User, module_id: int | None) -> Module:
    module = session.get(Module, module_id) if module_id is not None else None
    if module is None or not may_use_module(session, actor, module):
        raise NotFound("题库所属专题不存在")
    return module


def may_edit_bank(session: Session, actor: User, module: Module) -> bool:
    """Only a bank's owner changes its questions: the organizers of its unit (and the administrator);
    an installation-wide bank, which every branch's exams draw from, only the administrator."""
    if actor.role == "admin" and module.owner_unit_id is None:
        return True
    if actor.role not in ("admin", "organizer") or module.owner_unit_id is None:
        return False
    return module.owner_unit_id in managed_unit_ids(session, actor)


def usable_chapters(session: Session, actor: User, module: Module, numbers) -> list[int]:
    """Chapter numbers of a usable module; a number the module does not have is Invalid, named."""
    usable_module(session, actor, module.id)
    wanted = sorted(set(numbers))
    have = set(session.scalars(select(Chapter.number).where(Chapter.module_id == module.id,
                                                            Chapter.number.in_(wanted or [-1]))))
    missing = [n for n in wanted if n not in have]
    if missing:
        raise Invalid("所选专题没有这些章：" + "、".join(f"第{n}章" for n in missing))
    return wanted


def usable_question(session: Session, actor: User, question_id: int | None) -> Question:
    question = session.get(Question, question_id) if question_id is not None else None
    if question is None or not may_use_module(session, actor, session.get(Module, question.module_id)):
        raise NotFound("题目不存在")
    return question


def managed_exam(session: Session, managed: set[int], exam_id: int | None):
    from ..models.exams import Exam

    exam = session.get(Exam, exam_id) if exam_id is not None else None
    if exam is None or exam.owner_unit_id not in managed:
        raise NotFound("考试不存在")
    return exam


def managed_sitting(session: Session, managed: set[int], sitting_id: int | None):
    """A sitting the caller may change; the rule (exam owners, or organizers of its whole audience) lives
    with sittings, since a branch may schedule its own sitting of the organization's exam."""
    from .exams.sittings import managed_sitting as rule

    if sitting_id is None:
        raise NotFound("场次不存在")
    return rule(session, sitting_id, managed)


def managed_contest(session: Session, managed: set[int], contest_id: int | None):
    from ..models.contests import Contest

    contest = session.get(Contest, contest_id) if contest_id is not None else None
    if contest is None or contest.owner_unit_id not in managed:
        raise NotFound("竞赛不存在")
    return contest
