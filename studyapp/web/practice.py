"""Practice pages: choose a set, answer one question per page, see the key and explanation at once.

Works without JavaScript: each answer is a plain form POST. The set travels with the member as a
sealed token (web.sealed: question ids, position, running tally) in the URL or form, never in server
memory, so any worker can serve any step, a reload repeats nothing and a form sent twice is answered
once. The JSON API takes the same tokens.
"""
from __future__ import annotations

import random
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..services import practice, wrong_book
from ..services.errors import Invalid, NotFound
from . import sealed
from .answer_forms import feedback_view, prompt_of, read_response
from .clock import now
from .nav import add_card, add_nav

bp = Blueprint("practice", __name__, url_prefix="/practice")
add_nav("practice.index", "练习", order=14)
add_card("practice.index", "练习", "按章、按条或随机练习，答完即看解析", order=20)


@bp.before_request
@login_required
def _members_only():
    return None


# ---- the sealed practice set (web.sealed: the same tokens as the API) ---------------------------------


def load_set(token: str | None) -> dict:
    """The set in the token; a forged, damaged or someone else's token is a 404."""
    data = sealed.load_set(token, current_user.id)
    if data is None:
        abort(404)
    return data


# ---- pages -----------------------------------------------------------------------------------------


@bp.route("/")
def index():
    return render_template(
        "practice/index.html", modules=practice.catalog(db.session, current_user, now()),
        book_count=wrong_book.count_open(db.session, current_user.id), sizes=practice.RANDOM_SIZES,
        stats=practice.stats(db.session, current_user),
    )


@bp.route("/start")
def start():
    """Build a set from the query (kind=chapter|article|random|book) and go to its first question."""
    args, session, moment = request.args, db.session, now()
    kind = args.get("kind", "")
    try:
        if kind == "chapter":
            chosen = practice.chapter_set(session, current_user, args.get("module", ""), _int("chapter"), moment)
        elif kind == "article":
            chosen = practice.article_set(session, current_user, args.get("module", ""), _int("article"), moment)
        elif kind == "random":
            rng = random.Random(secrets.randbits(64))
            chosen = practice.random_set(session, current_user, _int("count"), moment, rng)
        elif kind == "book":
            module_id = args.get("module_id", type=int)
            chosen = practice.book_set(session, current_user, moment, args.get("chapter", type=int), module_id)
        else:
            abort(404)
    except (NotFound, Invalid) as exc:
        flash(str(exc), "warning")
        return redirect(url_for(".index"))
    return redirect(url_for(".run", s=sealed.dump_set(current_user.id, chosen.title, chosen.question_ids, moment)))


def _int(name: str) -> int:
    value = request.args.get(name, type=int)
    if value is None:
        abort(404)
    return value


@bp.route("/run", methods=["GET", "POST"])
def run():
    token = request.values.get("s")
    data = load_set(token)
    ids, index = data["q"], data["i"]
    if index >= len(ids):
        return render_template("practice/done.html", data=data)
    try:
        item = practice.get_item(db.session, current_user, ids[index], now())
    except NotFound:
        flash("该题已停用或暂不可见，已跳过。", "info")
        return redirect(url_for(".run", s=sealed.advance(data, None, now())))
    error = None
    if request.method == "POST":
        try:
            raw = read_response(item.version, request.form)
            result = practice.answer_once(db.session, current_user, item.question.id, raw, now(),
                                          sealed.asked_at(data))
        except Invalid as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            following = sealed.advance(data, result.answer.correct, result.answer.answered_at)
            return redirect(url_for(".feedback", s=following, a=result.answer.id))
    page = render_template("practice/question.html", prompt=prompt_of(item.version), data=data, token=token,
                           error=error)
    return page, 422 if error else 200


@bp.route("/feedback")
def feedback():
    data = load_set(request.args.get("s"))
    try:
        result = practice.feedback(db.session, current_user, request.args.get("a", type=int) or 0, now())
    except NotFound:
        abort(404)
    return render_template("practice/feedback.html", fb=feedback_view(db.session, result), data=data,
                           token=request.args.get("s"))
