"""My study: progress, marking a chapter studied, reading time, search, over the services the study pages use.

GETs only read. Completion and reading time are explicit POSTs, as on the website: marking again keeps the
first completion time, and reading time is credited against the server's clock from the moment the chapter
was fetched (its `time_token`), each stretch once (services.study.record_time).
"""
from __future__ import annotations

from flask import g, jsonify, request

from ...extensions import db, limiter
from ...services import search as search_service
from ...services import study
from ...services.errors import Invalid
from .. import sealed
from ..clock import now
from ..study import TIME_REPORT_LIMIT, reading_time_key
from . import bp, error
from .auth import bearer
from .shapes import int_arg, iso, json_body

#: Highest page number asked for (the service shows the last page for any beyond it).
MAX_PAGE = 10**6


def chapter_progress(chapter, row) -> dict:
    """A chapter with my progress through it (row: StudyProgress or None), as the ChapterProgress schema."""
    return {"number": chapter.number, "title": chapter.title,
            "started_at": iso(row.started_at) if row else None, "completed_at": iso(row.completed_at) if row else None,
            "seconds": row.seconds_spent if row else 0}


@bp.route("/me/progress")
@bearer
def my_progress():
    """My study progress per module and chapter, as the website's 学习记录 page reads it (reads only)."""
    moment, user = now(), g.api_user
    modules = []
    for item in study.progress_by_module(db.session, user, moment):
        chapters = study.visible_chapters(db.session, user, item.module, moment)
        rows = study.progress_by_chapter(db.session, user, [c.id for c in chapters])
        modules.append({
            "slug": item.module.slug, "title": item.module.title, "chapters_total": item.total,
            "completed": item.completed, "seconds": item.seconds,
            "chapters": [chapter_progress(c, rows.get(c.id)) for c in chapters],
        })
    return jsonify(modules)


@bp.route("/modules/<slug>/chapters/<int:number>/done", methods=["POST"])
@bearer
def chapter_done(slug: str, number: int):
    """已完成学习: the first completion time is kept when marked again."""
    moment, user = now(), g.api_user
    found = study.get_visible_chapter(db.session, user, slug, number, moment)
    progress = study.mark_studied(db.session, user, found, moment)
    db.session.commit()
    return chapter_progress(found, progress)


def _reader_key() -> str:
    return reading_time_key(g.api_user.id)


@bp.route("/modules/<slug>/chapters/<int:number>/time", methods=["POST"])
@bearer
@limiter.limit(TIME_REPORT_LIMIT, key_func=_reader_key)
def chapter_time(slug: str, number: int):
    """Reading time: {"seconds": n, "time_token": from GET of the chapter}; credited as the page's reports are."""
    body, moment, user = json_body(), now(), g.api_user
    found = study.get_visible_chapter(db.session, user, slug, number, moment)
    opened = sealed.opened_at(body.get("time_token"), user.id, found.id)
    if opened is None:
        raise Invalid("time_token 无效：请重新获取本章后再报告学习时长")
    progress = study.record_time(db.session, user, found, body.get("seconds"), opened, moment)
    db.session.commit()
    return chapter_progress(found, progress)


@bp.route("/search")
@bearer
def search():
    """Articles I may read that contain `q`, as the website's search: the same query length and page size."""
    query = search_service.clean_query(request.args.get("q"))
    page = int_arg("page", 1, 1, MAX_PAGE)
    if not query:
        return error(422, "invalid", "请提供搜索词 q")
    if page is None:
        return error(422, "invalid", "page 应为正整数")
    found = search_service.search_articles(db.session, g.api_user, query, now(), page)
    return {
        "query": query, "page": found.page, "per_page": found.per_page, "total": found.total, "pages": found.pages,
        "items": [{"module_slug": hit.module_slug, "module_title": hit.module_title,
                   "chapter_number": hit.chapter_number, "chapter_title": hit.chapter_title, "title": hit.title,
                   "anchor": hit.anchor, "snippet_html": hit.snippet_html} for hit in found.items],
    }
