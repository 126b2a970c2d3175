"""The wrong-answer book (错题本): every question missed in practice and exams, newest first."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain.answer_text import describe_key, describe_response
from ..extensions import db
from ..services import key_access, wrong_book
from ..services.errors import NotFound
from .clock import now
from .links import article_url
from .nav import add_card, add_nav

bp = Blueprint("wrong_book", __name__, url_prefix="/wrong-book")
add_nav("wrong_book.index", "错题本", order=16)
add_card("wrong_book.index", "错题本", "练习和考试中答错的题，可重新练习", order=40)

SOURCE_LABELS = {"practice": "练习", "exam": "考试"}


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
    slugs = _slugs({e.module_id for e in entries})
    rows = [
        {
            "entry": e.entry, "version": e.version,
            "source": SOURCE_LABELS.get(e.entry.last_source, e.entry.last_source),
            "your_answer": describe_response(e.version.qtype, e.entry.last_response, e.version.options),
            "key": describe_key(e.version.qtype, e.version.answer, e.version.options),
            "link": article_url(slugs[e.module_id], e.version.chapter_number, e.version.article_number),
            "module_id": e.module_id,
        }
        for e in entries
    ]
    # Chapters present in the open book, for "practise just this chapter".
    open_entries = entries if not show_all else [e for e in entries if e.entry.resolved_at is None]
    chapters = sorted({(e.module_id, e.version.chapter_number) for e in open_entries})
    return render_template("wrong_book/index.html", rows=rows, show_all=show_all, chapter=chapter,
                           module_id=module_id, chapters=chapters, open_count=len(open_entries))


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
