"""Member exam pages: open sittings, the exam page (autosave via JSON), result and review, my records.

The server decides time: the page gets the deadline and the server's now, and its countdown is only a
display. Saves are PUT JSON {"answer", "seq"} with the CSRF token in X-CSRFToken; every refusal is a
JSON error the page understands (409: the exam is over; 422: wrong shape; 503: busy, retry).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..domain import score_text, timing
from ..domain.answer_text import describe_key, describe_response
from ..domain.grading import is_blank
from ..extensions import db, login_manager
from ..models.exams import REVIEW_LABELS, Answer
from ..services import exams as svc
from ..services.accounts import SessionClaim
from ..services.errors import Conflict, Invalid, NotFound, PasswordChangeRequired, ServiceError, Unauthorized
from .clock import now
from .hooks import session_claim
from .links import article_url
from .nav import add_card, add_nav

bp = Blueprint("exams", __name__, url_prefix="/exams")
add_nav("exams.index", "考试", order=12)
add_nav("exams.records", "成绩", order=22, also=("exams.result",))
add_card("exams.index", "考试", "参加本支部安排的考试，计时作答、自动保存", order=30)
add_card("exams.records", "我的成绩", "历次考试的成绩、是否及格和答案解析", order=35)

LOGIN_EXPIRED = "登录已过期，请重新登录（已保存的答案不会丢失）"
TYPE_NAMES = {"single": "单选题", "multiple": "多选题", "true_false": "判断题", "fill_blank": "填空题"}


# One way to write a score on every page (domain/score_text.py; exports use the same functions).
bp.add_app_template_filter(score_text.points, "score")
bp.add_app_template_filter(score_text.score_text, "score_text")
bp.add_app_template_filter(score_text.verdict, "verdict")


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _json_error(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message}), status


@bp.before_request
def _login_required():
    if session_claim() is not None:
        return None  # the view's own statement confirms it (hooks.CLAIM_CHECKED_BY_VIEW)
    if not current_user.is_authenticated:
        if _wants_json():
            return _json_error(401, "login_required", LOGIN_EXPIRED)
        return login_manager.unauthorized()
    return None


def _member():
    """Who a view in hooks.CLAIM_CHECKED_BY_VIEW acts for: the session's claim, which its service confirms
    in its own statement (no user was loaded for the request)."""
    return session_claim() or SessionClaim.parse(current_user.get_id())


def _session_refused(exc):
    """What the hooks answer every other page when the claim no longer holds or a password must be chosen."""
    db.session.rollback()
    if isinstance(exc, PasswordChangeRequired):
        return _json_error(403, exc.code, str(exc)) if _wants_json() else redirect(url_for("auth.change_password"))
    return _json_error(401, "login_required", LOGIN_EXPIRED) if _wants_json() else login_manager.unauthorized()


def _attempt_or_404(attempt_id: int):
    try:
        return svc.attempt_for_member(db.session, current_user, attempt_id)
    except NotFound:
        abort(404)


@bp.route("/")
def index():
    at = now()
    offers = svc.open_sittings_for(db.session, current_user, at)
    return render_template("exams/index.html", offers=offers, now=at)


@bp.route("/sittings/<int:sitting_id>/start", methods=["POST"])
def start(sitting_id):
    try:
        attempt_id, _ = svc.start_attempt_id(db.session, _member(), sitting_id, now())
    except (Unauthorized, PasswordChangeRequired) as exc:
        return _session_refused(exc)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        db.session.commit()  # an overdue attempt finalized on the way is kept
        flash(str(exc), "warning")
        return redirect(url_for(".index"))
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>")
def attempt(attempt_id):
    found = _attempt_or_404(attempt_id)
    at = now()
    if found.status != "in_progress" or timing.is_overdue(at, found.deadline):
        return redirect(url_for(".result", attempt_id=found.id))
    questions, saved = svc.paper_view(db.session, found)
    seqs = dict(db.session.execute(
        select(Answer.question_id, Answer.client_seq).where(Answer.attempt_id == found.id)
    ).all())
    return render_template(
        "exams/attempt.html", attempt=found, exam=found.sitting.exam, questions=questions, saved=saved,
        seqs=seqs, max_seq=max(seqs.values(), default=0), server_now=at, type_names=TYPE_NAMES,
        remaining=timing.remaining(at, found.deadline),
    )


@bp.route("/attempts/<int:attempt_id>/answers/<int:question_id>", methods=["PUT"])
def save(attempt_id, question_id):
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or "answer" not in payload or "seq" not in payload:
        return _json_error(422, "invalid", '请求应为 {"answer": ..., "seq": n}')
    try:
        result = svc.save_answer(db.session, _member(), attempt_id, question_id, payload["answer"],
                                 payload["seq"], now())
    except (Unauthorized, PasswordChangeRequired) as exc:
        return _session_refused(exc)
    except NotFound as exc:
        db.session.rollback()
        return _json_error(404, exc.code, str(exc))
    except Conflict as exc:
        db.session.commit()  # the refusal may have finalized the overdue attempt: keep that
        return _json_error(409, "closed", str(exc))
    except Invalid as exc:
        db.session.rollback()
        return _json_error(422, exc.code, str(exc))
    db.session.commit()
    return jsonify(stored=result.stored, seq=result.client_seq)


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
def submit(attempt_id):
    try:
        outcome = svc.submit_attempt(db.session, _member(), attempt_id, now())
    except (Unauthorized, PasswordChangeRequired) as exc:
        return _session_refused(exc)
    except NotFound:
        abort(404)
    db.session.commit()
    if _wants_json():
        return jsonify(score=outcome.score, max_score=outcome.max_score, passed=outcome.passed,
                       submitted_at=outcome.submitted_at.isoformat())
    return redirect(url_for(".result", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/result")
def result(attempt_id):
    found = _attempt_or_404(attempt_id)
    view = svc.attempt_result(db.session, current_user, found, now())
    return render_template("exams/result.html", view=view, rows=[_review_row(view, item) for item in view.items],
                           review_labels=REVIEW_LABELS, type_names=TYPE_NAMES,
                           only_wrong=request.args.get("only") == "wrong")


def _review_row(view, item) -> dict:
    """An item of the review in the letters the member saw (options may have been shuffled)."""
    letters = {key: letter for key, letter, _ in item.options}
    shown = [{"key": letter, "text": text} for _, letter, text in item.options]

    def relabel(value):
        if item.qtype == "single" and isinstance(value, str):
            return letters.get(value, value)
        if item.qtype == "multiple" and isinstance(value, list):
            return sorted(letters.get(v, v) for v in value)
        return value

    return {
        "item": item,
        "response": describe_response(item.qtype, relabel(item.response), shown),
        "blank": is_blank(item.qtype, item.response),
        "key": describe_key(item.qtype, relabel(item.key), shown),
        "link": article_url(view.exam.module.slug, item.chapter_number, item.article_number),
    }


@bp.route("/records")
def records():
    return render_template("exams/records.html", records=svc.my_records(db.session, current_user))
