"""Member study pages: modules, chapters (stored HTML only), marking studied, reading time, search."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..extensions import db, limiter, login_manager
from ..services import search as search_service
from ..services import study
from ..services.errors import Invalid, NotFound
from . import nav, sealed
from .clock import now
from .templating import fixed_url

bp = Blueprint("study", __name__, url_prefix="/study")
#: The page reports every 30 s while visible and once when hidden; more than this is not a reader.
TIME_REPORT_LIMIT = "10 per minute"

nav.add_nav("study.modules", "学习", order=10)
nav.add_card("study.modules", "学习", "按章学习《支部工作条例》，记录学习进度", order=10)


@bp.before_request
def _login_required():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _or_404(call, *args):
    try:
        return call(db.session, current_user, *args)
    except NotFound as exc:
        abort(404, str(exc))


@bp.route("/")
def modules():
    items = study.progress_by_module(db.session, current_user, now())
    return render_template("study/modules.html", items=items)


@bp.route("/<slug>/")
def module(slug):
    at = now()
    found = _or_404(study.get_visible_module, slug, at)
    chapters = study.visible_chapters(db.session, current_user, found, at)
    progress = study.progress_by_chapter(db.session, current_user, [c.id for c in chapters])
    return render_template("study/module.html", module=found, chapters=chapters, progress=progress,
                           upcoming=study.upcoming_chapters(db.session, found, at))


@bp.route("/<slug>/<int:number>")
def chapter(slug, number):
    at = now()
    page = _or_404(study.chapter_page, slug, number, at)
    found = page.chapter
    return render_template("study/chapter.html", chapter=found, module=page.module, previous=page.previous,
                           following=page.following, completed_at=page.completed_at,
                           time_url=time_url(page.module, found, at),
                           # Stored HTML was sanitized by nh3 (domain.rendering.sanitize) when rendered.
                           body=Markup(found.body_html), toc=Markup(found.toc_html),  # nosec B704
                           lead_note=Markup(found.lead_note_html or ""))  # nosec B704


@bp.route("/<slug>/<int:number>/done", methods=["POST"])
def mark_done(slug, number):
    at = now()
    found = _or_404(study.get_visible_chapter, slug, number, at)
    study.mark_studied(db.session, current_user, found, at)
    db.session.commit()
    flash(f"已完成学习：{found.title}", "success")
    return redirect(url_for(".chapter", slug=slug, number=number, _anchor="chapter-done"))


def time_url(module, chapter, opened) -> str:
    """Where the chapter page reports reading time, stamped with who opened it and when (server time)."""
    stamp = sealed.reading_stamp(current_user.id, chapter.id, opened)
    # The member's stamp in the query string (as url_for would put it) after the chapter's own address.
    return fixed_url("study.record_time", slug=module.slug, number=chapter.number) + "?" + urlencode({"t": stamp})


def reading_time_key(user_id) -> str:
    """The rate-limit key of one member's reading-time reports: one budget for the website and the API."""
    return f"study-time:{user_id}"


def _member_key() -> str:
    return reading_time_key(current_user.get_id())


@bp.route("/<slug>/<int:number>/time", methods=["POST"])
@limiter.limit(TIME_REPORT_LIMIT, key_func=_member_key)
def record_time(slug, number):
    """Reading time reported by study.js (JSON {"seconds": n}, CSRF token in the X-CSRFToken header)."""
    payload = request.get_json(silent=True) or {}
    at = now()
    try:
        found = study.get_visible_chapter(db.session, current_user, slug, number, at)
        opened = sealed.opened_at(request.args.get("t"), current_user.id, found.id)
        if opened is None:
            return jsonify(error={"code": "invalid", "message": "页面已过期，请刷新页面后继续学习"}), 422
        progress = study.record_time(db.session, current_user, found, payload.get("seconds"), opened, at)
    except Invalid as exc:
        return jsonify(error={"code": exc.code, "message": str(exc)}), 422
    except NotFound as exc:
        abort(404, str(exc))
    db.session.commit()
    return jsonify(seconds_spent=progress.seconds_spent)


@bp.route("/me")
def me():
    at = now()
    items = study.progress_by_module(db.session, current_user, at)
    rows = []
    for item in items:
        chapters = study.visible_chapters(db.session, current_user, item.module, at)
        rows.append((item, chapters, study.progress_by_chapter(db.session, current_user, [c.id for c in chapters])))
    return render_template("study/me.html", rows=rows)


@bp.route("/search")
def search():
    query = search_service.clean_query(request.args.get("q"))
    page = request.args.get("page", 1, type=int) or 1
    results = search_service.search_articles(db.session, current_user, query, now(), page) if query else None
    return render_template("study/search.html", query=query, results=results)
