"""What a member may read, and their progress through it.

One visibility rule serves every member page, search and the API (`visible_condition`): a module is
visible when it is published and its audience (ModuleAudience rows; none = everyone) holds the member's
unit or an ancestor of it; a chapter additionally once its publish_at has passed (or is unset).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, func, not_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, contains_eager, defer

from ..models import Chapter, Module, ModuleAudience, StudyProgress, User
from .errors import Invalid, NotFound
from .scope import ancestors_select

#: Largest time increment one report may add: the page reports every 30 s while visible.
MAX_SECONDS_PER_REPORT = 120


def module_condition(session: Session, user: User):
    """SQL condition on Module: published to everyone, or to the user's unit or one above it."""
    return _module_rule(user.unit_id)


def _module_rule(unit_id):
    """module_condition for a unit id or a bindparam standing for one."""
    has_audience = exists().where(ModuleAudience.module_id == Module.id)
    in_audience = exists().where(ModuleAudience.module_id == Module.id,
                                 ModuleAudience.unit_id.in_(ancestors_select(unit_id)))
    return and_(Module.status == "published", or_(not_(has_audience), in_audience))


def released_condition(now: datetime):
    """SQL condition on Chapter: released (no publish time, or it has passed)."""
    return or_(Chapter.publish_at.is_(None), Chapter.publish_at <= now)


def visible_condition(session: Session, user: User, now: datetime):
    """The one rule: chapters (joined with their module) a member may read now."""
    return and_(module_condition(session, user), released_condition(now))


def visible_modules(session: Session, user: User, now: datetime) -> list[Module]:
    stmt = select(Module).where(module_condition(session, user)).order_by(Module.order, Module.id)
    return list(session.scalars(stmt))


def get_visible_module(session: Session, user: User, slug: str, now: datetime) -> Module:
    if "\x00" in slug:  # no slug holds one, and PostgreSQL cannot even compare it
        raise NotFound("学习专题不存在")
    module = session.scalar(select(Module).where(Module.slug == slug, module_condition(session, user)))
    if module is None:
        raise NotFound("学习专题不存在")
    return module


#: Lists and neighbour links need titles, not texts: the bodies of the chapters listed stay in the database.
_TITLES_ONLY = (defer(Chapter.body_md), defer(Chapter.body_html), defer(Chapter.toc_html),
                defer(Chapter.lead_note_md), defer(Chapter.lead_note_html))


def visible_chapters(session: Session, user: User, module: Module, now: datetime) -> list[Chapter]:
    stmt = (select(Chapter).join(Module).where(Chapter.module_id == module.id, visible_condition(session, user, now))
            .options(*_TITLES_ONLY).order_by(Chapter.number))
    return list(session.scalars(stmt))


def upcoming_chapters(session: Session, module: Module, now: datetime) -> list[Chapter]:
    """Instalments not yet released, shown locked with their release time."""
    stmt = select(Chapter).where(Chapter.module_id == module.id, not_(released_condition(now))).options(*_TITLES_ONLY)
    return list(session.scalars(stmt.order_by(Chapter.publish_at, Chapter.number)))


def get_visible_chapter(session: Session, user: User, slug: str, number: int, now: datetime) -> Chapter:
    stmt = (select(Chapter).join(Module).options(contains_eager(Chapter.module))
            .where(Module.slug == slug, Chapter.number == number, visible_condition(session, user, now)))
    chapter = session.scalar(stmt)
    if chapter is None:
        raise NotFound("章节不存在或尚未发布")
    return chapter


@dataclass(frozen=True)
class ChapterText:
    """The chapter a member reads: what its page shows of it."""
    id: int
    number: int
    title: str
    body_html: str
    toc_html: str
    lead_note_html: str
    lead_note_author: str


@dataclass(frozen=True)
class ModuleName:
    slug: str
    title: str


@dataclass(frozen=True)
class ChapterPage:
    chapter: ChapterText
    module: ModuleName
    previous: object | None  # rows with .number and .title
    following: object | None
    completed_at: datetime | None  # when the reader marked it studied


@functools.cache
def _page_statement():
    # Built once: constructing it cost more than running it. The visibility rule is applied once, and
    # the text columns come only on the requested chapter's row (an outer join that matches there alone).
    # Columns, not entities: the page shows them and changes nothing, and loading ORM objects (then
    # expiring them at the request's end) cost more than the statement.
    reading = aliased(Chapter)
    return (select(Chapter.number, Chapter.title, reading.id, reading.body_html, reading.toc_html,
                   reading.lead_note_html, reading.lead_note_author, Module.slug, Module.title,
                   StudyProgress.completed_at)
            .join(Module, Module.id == Chapter.module_id)
            .outerjoin(reading, and_(reading.id == Chapter.id, Chapter.number == bindparam("number")))
            .outerjoin(StudyProgress, and_(StudyProgress.chapter_id == reading.id,
                                           StudyProgress.user_id == bindparam("user_id")))
            .where(Module.slug == bindparam("slug"), _module_rule(bindparam("unit_id")),
                   released_condition(bindparam("now")))
            .order_by(Chapter.number))


def chapter_page(session: Session, user: User, slug: str, number: int, now: datetime) -> ChapterPage:
    """A chapter to read with its neighbours and the reader's progress, in one statement.

    The page is the most read of all: each statement costs the database server and the driver as much
    as the page's other work (PostgreSQL runs on the same machine), so titles, text and progress come
    together.
    """
    # On the session's connection, as Core: the rows are plain values, and the ORM's execution (autoflush,
    # its result setup) cost as much again as the statement.
    rows = session.connection().execute(_page_statement(), {"slug": slug, "unit_id": user.unit_id, "now": now,
                                                            "number": number, "user_id": user.id}).all()
    index = next((i for i, row in enumerate(rows) if row[0] == number), None)
    if index is None:
        raise NotFound("章节不存在或尚未发布")
    (number, title, chapter_id, body_html, toc_html, lead_note_html, lead_note_author, module_slug, module_title,
     completed_at) = rows[index]
    return ChapterPage(ChapterText(chapter_id, number, title, body_html, toc_html, lead_note_html, lead_note_author),
                       ModuleName(module_slug, module_title), rows[index - 1] if index else None,
                       rows[index + 1] if index + 1 < len(rows) else None, completed_at)


# ---- progress -------------------------------------------------------------------------------------


def get_progress(session: Session, user: User, chapter: Chapter) -> StudyProgress | None:
    return session.scalar(select(StudyProgress).where(StudyProgress.user_id == user.id,
                                                      StudyProgress.chapter_id == chapter.id))


def _progress(session: Session, user: User, chapter: Chapter, now: datetime) -> StudyProgress:
    progress = get_progress(session, user, chapter)
    if progress is None:
        progress = StudyProgress(user_id=user.id, chapter_id=chapter.id, started_at=now, seconds_spent=0)
        session.add(progress)
    return progress


def mark_studied(session: Session, user: User, chapter: Chapter, now: datetime) -> StudyProgress:
    """Mark the chapter studied; the first completion time is kept if pressed again."""
    progress = _progress(session, user, chapter, now)
    if progress.completed_at is None:
        progress.completed_at = now
    session.flush()
    return progress


def record_time(session: Session, user: User, chapter: Chapter, seconds: int, opened_at: datetime,
                now: datetime) -> StudyProgress:
    """Add reading time the page reported, but never more than the server's own clock allows.

    A report credits at most MAX_SECONDS_PER_REPORT, and at most the time that has passed since the
    page was opened (`opened_at`, stamped by the server on the page) or since the last credited report,
    whichever is later. Each stretch of wall-clock time is credited once: a retried, replayed or
    parallel report finds it used up, so 100 reports at once add no more than one would. `seconds`
    that is not a whole number of seconds (JSON as sent) is Invalid.
    """
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        raise Invalid("seconds 应为非负整数")
    progress = _locked_progress(session, user, chapter, now)
    since = max(opened_at, progress.time_credited_until or opened_at)
    available = int((now - since).total_seconds())
    credit = max(0, min(int(seconds), MAX_SECONDS_PER_REPORT, available))
    if credit:
        progress.seconds_spent += credit
        progress.time_credited_until = now
    session.flush()
    return progress


def _locked_progress(session: Session, user: User, chapter: Chapter, now: datetime) -> StudyProgress:
    """The member's progress row, locked until commit (PostgreSQL; SQLite writers hold the database)."""
    statement = (select(StudyProgress).where(StudyProgress.user_id == user.id, StudyProgress.chapter_id == chapter.id)
                 .with_for_update())
    progress = session.scalar(statement)
    if progress is not None:
        return progress
    try:
        with session.begin_nested():  # a parallel first report may insert the row first
            progress = StudyProgress(user_id=user.id, chapter_id=chapter.id, started_at=now, seconds_spent=0)
            session.add(progress)
    except IntegrityError:
        progress = session.scalar(statement.execution_options(populate_existing=True))
    return progress


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    total: int  # released chapters
    completed: int
    seconds: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def progress_by_module(session: Session, user: User, now: datetime) -> list[ModuleProgress]:
    """Each visible module with released chapters counted and the ones this member completed."""
    modules = visible_modules(session, user, now)
    if not modules:
        return []
    ids = [module.id for module in modules]
    totals = dict(session.execute(
        select(Chapter.module_id, func.count()).where(Chapter.module_id.in_(ids), released_condition(now))
        .group_by(Chapter.module_id)).all())
    done_rows = session.execute(
        select(Chapter.module_id, func.count(StudyProgress.completed_at), func.coalesce(func.sum(StudyProgress.seconds_spent), 0))
        .join(StudyProgress, StudyProgress.chapter_id == Chapter.id)
        .where(StudyProgress.user_id == user.id, Chapter.module_id.in_(ids), released_condition(now))
        .group_by(Chapter.module_id)).all()
    done = {module_id: (completed, seconds) for module_id, completed, seconds in done_rows}
    return [ModuleProgress(m, totals.get(m.id, 0), *done.get(m.id, (0, 0))) for m in modules]


def progress_by_chapter(session: Session, user: User, chapter_ids: list[int]) -> dict[int, StudyProgress]:
    if not chapter_ids:
        return {}
    rows = session.scalars(select(StudyProgress).where(StudyProgress.user_id == user.id,
                                                       StudyProgress.chapter_id.in_(chapter_ids)))
    return {row.chapter_id: row for row in rows}
