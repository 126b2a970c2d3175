"""Sittings and attempts over the exam services: the same use cases as the exam pages, in JSON.

Refusals that finalize an overdue attempt on the way (a late save, a start after the deadline) still
commit, so the finalization is kept even though the request itself answers 409.
"""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from ...extensions import db
from ...models.exams import Answer
from ...services import exams
from ...services.errors import Conflict
from ..clock import now
from . import bp, error
from .auth import bearer
from .shapes import iso, json_body, number


def _commit_conflicts(call, *args):
    """Run a use case; on Conflict keep what it finalized (commit) and answer 409."""
    try:
        return call(*args)
    except Conflict as exc:
        db.session.commit()
        raise exc


@bp.route("/sittings")
@bearer
def sittings():
    return jsonify([sitting_body(offer) for offer in exams.open_sittings_for(db.session, g.api_user, now())])


def sitting_body(offer) -> dict:
    """A sitting open to the member (exams.SittingOffer), as the Sitting schema."""
    return {
        "id": offer.sitting.id,
        "title": offer.sitting.title,
        "exam_title": offer.exam.title,
        "is_makeup": offer.sitting.is_makeup,
        "pass_percent": offer.exam.pass_percent,
        "in_progress_attempt_id": offer.in_progress_attempt_id,
        "opens_at": iso(offer.sitting.opens_at),
        "closes_at": iso(offer.sitting.closes_at),
        "time_limit_minutes": offer.exam.time_limit_minutes,
        "attempts_left": offer.attempts_left,
    }


def paper(attempt) -> dict:
    """The attempt as the member sees it: questions in display order and saved answers, never a key."""
    views, saved = exams.paper_view(db.session, attempt)
    questions = []
    for view in views:
        item = {"id": view.question_id, "type": view.qtype, "stem_html": view.stem_html,
                "options": [{"key": key, "text": text} for key, text in view.options], "points": number(view.points)}
        if view.qtype == "fill_blank":
            item["blanks"] = view.blanks
        questions.append(item)
    return {"id": attempt.id, "deadline": iso(attempt.deadline), "questions": questions,
            "answers": {str(view.question_id): _sorted_choices(view.qtype, saved[view.question_id])
                        for view in views if view.question_id in saved}}


@bp.route("/sittings/<int:sitting_id>/attempts", methods=["POST"])
@bearer
def start(sitting_id: int):
    attempt, created = _commit_conflicts(exams.start_attempt, db.session, g.api_user, sitting_id, now())
    db.session.commit()
    return jsonify(paper(attempt)), 201 if created else 200


@bp.route("/attempts/<int:attempt_id>/answers/<int:question_id>", methods=["PUT"])
@bearer
def save(attempt_id: int, question_id: int):
    body = json_body()
    if "answer" not in body:
        return error(422, "invalid", "请求体应包含 answer")
    seq = body.get("seq")
    if seq is None:
        # Without a sequence number this request wins over what is stored (and never leaps ahead of a
        # device that does send numbers).
        stored = db.session.scalar(select(Answer.client_seq).where(Answer.attempt_id == attempt_id,
                                                                   Answer.question_id == question_id))
        seq = (stored or 0) + 1
    result = _commit_conflicts(exams.save_answer, db.session, g.api_user, attempt_id, question_id, body["answer"],
                               seq, now())
    db.session.commit()
    return {"question_id": question_id, "stored": result.stored, "seq": result.client_seq}


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@bearer
def submit(attempt_id: int):
    result = exams.submit_attempt(db.session, g.api_user, attempt_id, now())
    db.session.commit()
    return {"score": number(result.score), "max_score": number(result.max_score), "passed": result.passed,
            "submitted_at": iso(result.submitted_at)}


def _sorted_choices(qtype: str, value):
    """Multiple-choice answers and keys as sorted option keys, as the document promises."""
    return sorted(value) if qtype == "multiple" and isinstance(value, list) else value


def _attempt_summary(attempt, exam, moment) -> dict:
    return {
        "id": attempt.id, "sitting_id": attempt.sitting_id, "exam_title": exam.title, "number": attempt.number,
        "status": exams.display_status(attempt, moment), "started_at": iso(attempt.started_at), "deadline": iso(attempt.deadline),
        "submitted_at": iso(attempt.submitted_at), "score": number(attempt.score),
        "max_score": number(attempt.max_score), "passed": attempt.passed,
    }


@bp.route("/attempts/<int:attempt_id>")
@bearer
def attempt_detail(attempt_id: int):
    moment = now()
    attempt = exams.attempt_for_member(db.session, g.api_user, attempt_id)
    view = exams.attempt_result(db.session, g.api_user, attempt, moment)
    body = _attempt_summary(attempt, view.exam, moment)
    body.update(status=view.status, counts=view.counts, review_visible=view.review_visible)
    body["questions"] = [
        {
            "id": item.question_id, "position": item.position, "type": item.qtype, "stem_html": item.stem_html,
            "options": [{"key": key, "text": text} for key, _letter, text in item.options],
            "points": number(item.points), "answer": _sorted_choices(item.qtype, item.response),
            "correct_answer": _sorted_choices(item.qtype, item.key), "module_slug": view.exam.module.slug,
            "correct": item.correct, "awarded": number(item.awarded), "explanation_html": item.explanation_html,
            "chapter_number": item.chapter_number, "article_number": item.article_number,
        }
        for item in view.items
    ] if view.review_visible else None
    return body


@bp.route("/me/attempts")
@bearer
def my_attempts():
    moment = now()
    records = exams.my_records(db.session, g.api_user)
    rows = [(attempt, record) for record in records for attempt in record.attempts]
    rows.sort(key=lambda pair: (pair[0].started_at, pair[0].id), reverse=True)
    return jsonify([
        {**_attempt_summary(attempt, record.exam, moment), "counts": attempt.id == record.counting_id}
        for attempt, record in rows
    ])
