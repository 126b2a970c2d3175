"""Daily practice (每日一练) and spaced review (错题复习) over the services the daily pages use.

GETs only read: the day's set is drawn by POST /daily/today (once per member and day, as the page's first
view draws it), and the review queue is read as it stands.
"""
from __future__ import annotations

from flask import current_app, g

from ...domain import daily_rules
from ...extensions import db
from ...services import daily, key_access, practice, review
from ...services.errors import Invalid, NotFound
from ..clock import now
from . import bp, error
from .auth import bearer
from .questions import feedback_body, question_body
from .shapes import iso, json_body


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _status(user, moment) -> dict:
    state = daily.status(db.session, user, moment, _tz())
    return {"total": state.total, "answered": state.answered, "correct": state.correct, "done": state.done,
            "streak": state.streak, "points_today": state.points_today, "points_total": state.points_total}


def _answer_of(body: dict):
    if "answer" not in body:
        raise Invalid("请求体应包含 answer")
    return body["answer"]


@bp.route("/daily")
@bearer
def daily_status():
    return _status(g.api_user, now())


@bp.route("/daily/today", methods=["POST"])
@bearer
def daily_today():
    moment, user = now(), g.api_user
    row = daily.today_set(db.session, user, moment, _tz())
    position, item = daily.current_question(db.session, user, row, moment)
    db.session.commit()
    return {"status": _status(user, moment), "position": position,
            "question": question_body(item.question.id, item.version) if item else None}


@bp.route("/daily/answer", methods=["POST"])
@bearer
def daily_answer():
    body, moment, user = json_body(), now(), g.api_user
    position = body.get("position")
    if not isinstance(position, int) or isinstance(position, bool):
        return error(422, "invalid", "请求体应包含 position（题目序号，从 0 开始）")
    result = daily.answer(db.session, user, position, _answer_of(body), moment, _tz())
    db.session.commit()
    return {"feedback": feedback_body(user, result, moment), "status": _status(user, moment)}


def _due_today(user, moment) -> int:
    return review.due_count(db.session, user.id, daily_rules.day_end(daily_rules.local_day(moment, _tz()), _tz()))


@bp.route("/review")
@bearer
def review_next():
    moment, user = now(), g.api_user
    hide = key_access.withheld(db.session, user, moment)
    for question_id in review.due_question_ids(db.session, user.id, moment, limit=20):
        try:
            item = practice.get_item(db.session, user, question_id, moment, hide)
        except NotFound:
            continue
        return {"due_today": _due_today(user, moment), "question": question_body(question_id, item.version)}
    return {"due_today": _due_today(user, moment), "question": None}


@bp.route("/review/<int:question_id>/answer", methods=["POST"])
@bearer
def review_answer(question_id: int):
    body, moment, user = json_body(), now(), g.api_user
    response = _answer_of(body)
    review.due_card(db.session, user.id, question_id, moment)  # NotFound when it is not due for this member
    result = practice.answer(db.session, user, question_id, response, moment)
    card = review.record_review(db.session, user.id, question_id, result.answer.correct, moment)
    db.session.commit()
    return {"feedback": feedback_body(user, result, moment), "next_due": iso(card.due_at),
            "due_today": _due_today(user, moment)}
