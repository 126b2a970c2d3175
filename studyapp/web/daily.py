"""Daily practice (每日一练) and spaced review (错题复习) pages: one question per screen, plain form posts."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import daily_rules
from ..extensions import db
from ..services import daily, key_access, practice, review
from ..services.errors import Conflict, Invalid, NotFound
from .answer_forms import feedback_view, prompt_of, read_response
from .clock import now
from .nav import add_nav

bp = Blueprint("daily", __name__, url_prefix="/daily")
add_nav("daily.today", "每日一练", order=18)


@bp.before_request
@login_required
def _members_only():
    return None


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _question(question_id: int, hide=None):
    try:
        return practice.get_item(db.session, current_user, question_id, now(), hide)
    except NotFound:
        return None


@bp.route("/")
def today():
    moment = now()
    try:
        row = daily.today_set(db.session, current_user, moment, _tz())
    except NotFound as exc:
        return render_template("daily/empty.html", message=str(exc))
    position, item = daily.current_question(db.session, current_user, row, moment)
    db.session.commit()
    state = daily.status(db.session, current_user, moment, _tz())
    if position is None:
        return render_template("daily/done.html", state=state, cap=daily_rules.DAILY_CAP)
    return render_template("daily/question.html", prompt=prompt_of(item.version), position=position,
                           progress=f"第 {position + 1} / {len(row.question_ids)} 题", action=url_for(".answer"),
                           title="每日一练")


@bp.route("/answer", methods=["POST"])
def answer():
    position = request.form.get("position", type=int)
    moment = now()
    try:
        row = daily.today_set(db.session, current_user, moment, _tz())
    except NotFound:  # nothing to draw today (e.g. every question is on an open exam paper)
        return redirect(url_for(".today"))
    if position is None or not 0 <= position < len(row.question_ids):
        return redirect(url_for(".today"))
    item = _question(row.question_ids[position])
    if item is None:
        return redirect(url_for(".today"))
    try:
        result = daily.answer(db.session, current_user, position, read_response(item.version, request.form), moment,
                              _tz())
    except (Conflict, Invalid) as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".today"))
    db.session.commit()
    return _feedback(result, url_for(".today"), "每日一练")


@bp.route("/review")
def review_next():
    moment = now()
    hide = key_access.withheld(db.session, current_user, moment)  # once for the whole queue
    for question_id in review.due_question_ids(db.session, current_user.id, moment, limit=20):
        item = _question(question_id, hide)
        if item is not None:
            due_today = review.due_count(db.session, current_user.id,
                                         daily_rules.day_end(daily_rules.local_day(moment, _tz()), _tz()))
            return render_template("daily/question.html", prompt=prompt_of(item.version), position=0,
                                   progress=f"今日待复习 {due_today} 题", title="错题复习",
                                   action=url_for(".review_answer", question_id=question_id))
    return render_template("daily/empty.html", message="现在没有需要复习的错题。", review=True)


@bp.route("/review/<int:question_id>", methods=["POST"])
def review_answer(question_id: int):
    moment = now()
    if question_id > 2**31 - 1:  # larger than any id column holds
        abort(404)
    try:
        review.due_card(db.session, current_user.id, question_id, moment)  # before anything about the question
    except NotFound:
        abort(404)
    item = _question(question_id)  # None too while its key is withheld (services.key_access)
    if item is None:
        return redirect(url_for(".review_next"))
    try:
        result = practice.answer(db.session, current_user, question_id, read_response(item.version, request.form),
                                 moment)
    except Invalid as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".review_next"))
    card = review.record_review(db.session, current_user.id, question_id, result.answer.correct, moment)
    db.session.commit()
    return _feedback(result, url_for(".review_next"), "错题复习", next_due=card.due_at)


def _feedback(result, next_url: str, title: str, next_due=None):
    return render_template("daily/feedback.html", fb=feedback_view(db.session, result), next_url=next_url,
                           title=title, next_due=next_due)
