"""The wrong-answer book (错题本): every question missed in practice and exams, newest first, a page at a time.

It is the one entry for mistakes: today's spaced review (错题复习, web/daily.py) starts from here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import daily_rules
from ..domain.answer_text import describe_key, describe_response
from ..domain.grading import is_blank
from ..extensions import db
from ..services import key_access, review, wrong_book
from ..services.errors import NotFound
from .clock import now
from .links import article_url
from .nav import add_card, add_nav

bp = Blueprint("wrong_book", __name__, url_prefix="/wrong-book")
add_nav("wrong_book.index", "错题本", order=16, also=("daily.review_next", "daily.review_answer"))
add_card("wrong_book.index", "错题本", "练习和考试中答错的题，今日复习和重新练习", order=40)

SOURCE_LABELS = {"practice": "练习", "exam": "考试"}
PER_PAGE = 10


@dataclass(frozen=True)
class Page:
    """One page of a list, shaped like Flask-SQLAlchemy's pagination for the pager macro."""

    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@bp.before_request
@login_required
def _logged_in():
    return None


@bp.route("/")
def index():
    show_all = request.args.get("all") == "1"
    chapter = request.args.get("chapter", type=int)
    module_id = request.args.get("module_id", type=int)
    hide = key_access.withheld(db.session, current_user, now())
    entries = wrong_book.list_entries(db.session, current_user.id, hide=hide, include_resolved=show_all,
                                      module_id=module_id, chapter_number=chapter)
    pages = max(1, math.ceil(len(entries) / PER_PAGE))
    number = min(max(1, request.args.get("page", 1, type=int)), pages)
    shown = entries[(number - 1) * PER_PAGE:number * PER_PAGE]
    slugs = _slugs({e.module_id for e in shown})
    rows = [
        {
            "entry": e.entry, "version": e.version,
            "source": SOURCE_LABELS.get(e.entry.last_source, e.entry.last_source),
            "blank": is_blank(e.version.qtype, e.entry.last_response),
            "your_answer": describe_response(e.version.qtype, e.entry.last_response, e.version.options),
            "key": describe_key(e.version.qtype, e.version.answer, e.version.options),
            "link": article_url(slugs[e.module_id], e.version.chapter_number, e.version.article_number),
            "module_id": e.module_id,
        }
        for e in shown
    ]
    # Chapters present in the open book, for "practise just this chapter".
    open_entries = entries if not show_all else [e for e in entries if e.entry.resolved_at is None]
    chapters = sorted({(e.module_id, e.version.chapter_number) for e in open_entries})
    moment, tz = now(), current_app.config["TIMEZONE"]
    due = review.due_count(db.session, current_user.id, daily_rules.day_end(daily_rules.local_day(moment, tz), tz))
    return render_template("wrong_book/index.html", rows=rows, show_all=show_all, chapter=chapter,
                           module_id=module_id, chapters=chapters, open_count=len(open_entries), due=due,
                           page=Page(number, pages, len(entries)))


def _slugs(module_ids: set[int]) -> dict[int, str]:
    from sqlalchemy import select

    from ..models import Module

    if not module_ids:
        return {}
    return dict(db.session.execute(select(Module.id, Module.slug).where(Module.id.in_(module_ids))).all())


@bp.route("/<int:question_id>/resolve", methods=["POST"])
def resolve(question_id: int):
    if question_id > 2**31 - 1:  # larger than any id column holds
        abort(404)
    try:
        wrong_book.resolve(db.session, current_user.id, question_id, now())
    except NotFound:
        abort(404)
    db.session.commit()
    flash("已标记为掌握，移出错题本。", "success")
    return redirect(url_for(".index"))
