"""Per-branch study completion of a module: who studied which chapter, who has not started.

Every figure comes from a GROUP BY over study_progress joined to users, restricted to the units the
organizer manages, so the page costs a fixed handful of queries whatever the number of branches.
Counted people: active members and organizers (administrators are not part of a branch's roll).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..models import Chapter, Module, Unit, User
from ..models.progress import StudyProgress


@dataclass
class BranchCompletion:
    unit: Unit
    members: int = 0
    #: chapter id → members of this unit who marked it studied.
    completed: dict[int, int] = field(default_factory=dict)
    #: Members who studied every chapter.
    finished: int = 0
    not_started: list[User] = field(default_factory=list)


def _people(units: set[int]):
    return (User.unit_id.in_(units), User.active.is_(True), User.role != "admin")


def completion_report(session: Session, module: Module, managed: set[int]) -> list[BranchCompletion]:
    """One row per managed unit that has people, in tree order."""
    chapter_ids = [chapter.id for chapter in module.chapters]
    units = session.scalars(select(Unit).where(Unit.id.in_(managed)).order_by(Unit.sort_order, Unit.id))
    rows = {unit.id: BranchCompletion(unit) for unit in units}
    for unit_id, count in session.execute(
        select(User.unit_id, func.count(User.id)).where(*_people(managed)).group_by(User.unit_id)
    ):
        rows[unit_id].members = count
    done = (StudyProgress.chapter_id.in_(chapter_ids), StudyProgress.completed_at.is_not(None))
    for unit_id, chapter_id, count in session.execute(
        select(User.unit_id, StudyProgress.chapter_id, func.count(StudyProgress.id))
        .join(User, User.id == StudyProgress.user_id)
        .where(*_people(managed), *done)
        .group_by(User.unit_id, StudyProgress.chapter_id)
    ):
        rows[unit_id].completed[chapter_id] = count
    if chapter_ids:
        finishers = (select(StudyProgress.user_id).where(*done).group_by(StudyProgress.user_id)
                     .having(func.count(StudyProgress.id) == len(chapter_ids)).subquery())
        for unit_id, count in session.execute(
            select(User.unit_id, func.count(User.id)).join(finishers, finishers.c.user_id == User.id)
            .where(*_people(managed)).group_by(User.unit_id)
        ):
            rows[unit_id].finished = count
    started = exists().where(StudyProgress.user_id == User.id, StudyProgress.chapter_id.in_(chapter_ids))
    for user in session.scalars(select(User).where(*_people(managed), ~started).order_by(User.username)):
        rows[user.unit_id].not_started.append(user)
    return [row for row in rows.values() if row.members]


def member_rows(session: Session, module: Module, managed: set[int], localize) -> tuple[list[str], list[list]]:
    """Export: one row per person with each chapter's state; two queries in all."""
    chapters: list[Chapter] = list(module.chapters)
    progress: dict[tuple[int, int], datetime | None] = {}
    for user_id, chapter_id, completed_at in session.execute(
        select(StudyProgress.user_id, StudyProgress.chapter_id, StudyProgress.completed_at)
        .join(User, User.id == StudyProgress.user_id)
        .where(*_people(managed), StudyProgress.chapter_id.in_([c.id for c in chapters]))
    ):
        progress[(user_id, chapter_id)] = completed_at
    headers = ["支部", "登录名", "姓名", *[f"第{c.number}章 {c.title}" for c in chapters], "已完成章数"]
    rows = []
    people = session.execute(
        select(User, Unit.name).join(Unit, Unit.id == User.unit_id).where(*_people(managed))
        .order_by(Unit.sort_order, Unit.id, User.username)
    )
    for user, unit_name in people:
        states, finished = [], 0
        for chapter in chapters:
            key = (user.id, chapter.id)
            if key not in progress:
                states.append("未开始")
            elif progress[key] is None:
                states.append("学习中")
            else:
                finished += 1
                states.append(f"已完成 {localize(progress[key])}")
        rows.append([unit_name, user.username, user.name, *states, finished])
    return headers, rows
