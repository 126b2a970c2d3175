"""Chapters written in the browser: save (every save a version), schedule, lead notes, restore.

Rendering happens here, once per save, exactly as load-content does it (`domain.rendering` and
`content_sync.sync_articles`), and the stored HTML is what members are served. Article rows are
updated in place by anchor, so an article keeps its id (questions and search link to it) across edits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.rendering import render_chapter
from ..models import Chapter, ChapterVersion, Module, User
from .content_sync import sync_articles
from .errors import Conflict, Invalid, NotFound
from .publishing import render_note, touch


@dataclass
class ChapterInput:
    """What the chapter form submits."""

    number: int
    title: str
    body_md: str
    publish_at: datetime | None = None
    lead_note_md: str = ""
    lead_note_author: str = ""


def get_chapter(session: Session, module: Module, chapter_id: int) -> Chapter:
    chapter = session.get(Chapter, chapter_id)
    if chapter is None or chapter.module_id != module.id:
        raise NotFound("章节不存在")
    return chapter


def next_number(module: Module) -> int:
    return max((chapter.number for chapter in module.chapters), default=0) + 1


def save_chapter(session: Session, actor: User, module: Module, chapter: Chapter | None, data: ChapterInput,
                 now: datetime) -> Chapter:
    """Create or update a chapter, re-render it, and record the save as a new version."""
    title = (data.title or "").strip()
    if not title:
        raise Invalid("请填写章节标题")
    if data.number is None or data.number < 0:  # 0: the module's overview section
        raise Invalid("章节序号须为0或正整数")
    clash = session.scalar(select(Chapter.id).where(Chapter.module_id == module.id, Chapter.number == data.number))
    if clash is not None and (chapter is None or clash != chapter.id):
        raise Conflict(f"本专题已有第 {data.number} 章")
    if chapter is None:
        chapter = Chapter(module_id=module.id)
        module.chapters.append(chapter)
    chapter.number = data.number
    chapter.publish_at = data.publish_at
    _set_note(chapter, data.lead_note_md, data.lead_note_author, now)
    _set_text(session, actor, chapter, title, data.body_md or "", now)
    touch(module, now)
    session.flush()
    return chapter


def versions(session: Session, chapter: Chapter) -> list[ChapterVersion]:
    """Newest first."""
    query = select(ChapterVersion).where(ChapterVersion.chapter_id == chapter.id)
    return list(session.scalars(query.order_by(ChapterVersion.version_no.desc())))


def author_names(session: Session, found: list[ChapterVersion]) -> dict[int, str]:
    """Names of the people who saved these versions, in one query."""
    ids = {version.created_by_id for version in found if version.created_by_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def restore(session: Session, actor: User, module: Module, chapter: Chapter, version_id: int,
            now: datetime) -> ChapterVersion:
    """Make an old version current again by saving it as a new version (history is never rewritten)."""
    old = session.get(ChapterVersion, version_id)
    if old is None or old.chapter_id != chapter.id:
        raise NotFound("版本不存在")
    new = _set_text(session, actor, chapter, old.title, old.body_md, now)
    touch(module, now)
    session.flush()
    return new


def _set_text(session: Session, actor: User, chapter: Chapter, title: str, body_md: str,
              now: datetime) -> ChapterVersion:
    chapter.title = title
    chapter.body_md = body_md
    chapter.updated_at = now
    rendered = render_chapter(body_md)
    chapter.body_html, chapter.toc_html = rendered.html, rendered.toc_html
    session.flush()  # the chapter needs its id before articles and versions refer to it
    sync_articles(session, chapter, rendered.articles)  # the same rule load-content applies
    session.expire(chapter, ["articles"])
    last = session.scalar(select(func.max(ChapterVersion.version_no)).where(ChapterVersion.chapter_id == chapter.id))
    version = ChapterVersion(chapter_id=chapter.id, version_no=(last or 0) + 1, title=title, body_md=body_md,
                             created_by_id=actor.id, created_at=now)
    session.add(version)
    return version


def _set_note(chapter: Chapter, md: str, author: str, now: datetime) -> None:
    md, author = (md or "").strip(), (author or "").strip()
    if md == chapter.lead_note_md and author == chapter.lead_note_author:
        return  # unchanged: keep its date
    chapter.lead_note_md = md
    chapter.lead_note_html = render_note(md)
    chapter.lead_note_author = author[:100] if md else ""
    chapter.lead_note_at = now if md else None
