"""The wrong-answer book (错题本): a page of entries, newest miss first, and 移出错题本 (resolve).

Entries carry keys and explanations, so the book leaves out what the key rule withholds now
(services.wrong_book.list_entries with key_access.withheld), as the web page does.
"""
from __future__ import annotations

import math

from flask import g, request
from sqlalchemy import select

from ...extensions import db
from ...models import Module
from ...services import key_access, study, wrong_book
from ..clock import now
from . import bp, error
from .auth import bearer
from .questions import question_body, sorted_choices
from .shapes import int_arg, iso

PER_PAGE_MAX = 50


@bp.route("/wrong-book")
@bearer
def wrong_book_list():
    page, per_page = int_arg("page", 1, 1, 10**6), int_arg("per_page", 10, 1, PER_PAGE_MAX)
    if page is None or per_page is None:
        return error(422, "invalid", f"page 应为正整数，per_page 应为 1 到 {PER_PAGE_MAX} 的整数")
    chapter = int_arg("chapter", -1, 0, 10**6)
    if chapter is None:
        return error(422, "invalid", "chapter 应为章的序号（0 或正整数）")
    include_resolved = request.args.get("all") in ("1", "true")
    user, moment = g.api_user, now()
    # The page's filter by module and chapter; a module the member may not read is a 404, as its chapters are.
    slug = request.args.get("module")
    module_id = study.get_visible_module(db.session, user, slug, moment).id if slug is not None else None
    hide = key_access.withheld(db.session, user, moment)
    entries = wrong_book.list_entries(db.session, user.id, hide=hide, include_resolved=include_resolved,
                                      module_id=module_id, chapter_number=None if chapter < 0 else chapter)
    shown = entries[(page - 1) * per_page:page * per_page]
    ids = {e.module_id for e in shown}
    slugs = dict(db.session.execute(select(Module.id, Module.slug).where(Module.id.in_(ids))).all()) if ids else {}
    return {
        "page": page, "per_page": per_page, "total": len(entries), "pages": max(1, math.ceil(len(entries) / per_page)),
        "items": [
            {
                **question_body(e.entry.question_id, e.version),
                "last_answer": sorted_choices(e.version.qtype, e.entry.last_response),
                "correct_answer": sorted_choices(e.version.qtype, e.version.answer),
                "explanation_html": e.version.explanation_html,
                "source": e.entry.last_source, "wrong_count": e.entry.wrong_count, "last_wrong_at": iso(e.entry.last_wrong_at),
                "resolved_at": iso(e.entry.resolved_at), "module_slug": slugs[e.module_id],
                "chapter_number": e.version.chapter_number, "article_number": e.version.article_number,
            }
            for e in shown
        ],
    }


@bp.route("/wrong-book/<int:question_id>/resolve", methods=["POST"])
@bearer
def wrong_book_resolve(question_id: int):
    entry = wrong_book.resolve(db.session, g.api_user.id, question_id, now())
    db.session.commit()
    return {"question_id": question_id, "resolved_at": iso(entry.resolved_at)}
