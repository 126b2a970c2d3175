"""Contests (答题竞赛) over the services the contest pages use: the server hands out each question and
its clock, judges each answer by its receipt time, and shows a question's key only once it is settled
and the key rule allows it (GET /rounds/<id>, through services.contests.settled_question, which asks key_access).

Handing out the next question writes (its clock starts), so it is POST /rounds/<id>/current; every GET
reads only (the board reads the branch cache, or computes it without storing it).
"""
from __future__ import annotations

import random
import secrets

from flask import g, jsonify

from ...domain import standings as standing_rules
from ...extensions import db
from ...services import contests
from ...services.errors import Invalid, NotFound
from ..clock import now
from . import bp
from .auth import bearer
from .questions import sorted_choices
from .shapes import iso, json_body

BOARD_LIMIT = 20


def _contest_body(contest) -> dict:
    return {"id": contest.id, "title": contest.title, "opens_at": iso(contest.opens_at),
            "closes_at": iso(contest.closes_at), "questions_per_round": contest.questions_per_round,
            "seconds_per_question": contest.seconds_per_question,
            "max_rounds_per_member": contest.max_rounds_per_member}


def _round_body(round_) -> dict:
    return {"id": round_.id, "contest_id": round_.contest_id, "number": round_.number, "status": round_.status,
            "started_at": iso(round_.started_at), "finished_at": iso(round_.finished_at), "score": round_.score,
            "time_used_ms": round_.time_used_ms, "questions": len(round_.questions),
            "answered": sum(1 for q in round_.questions if q.answered_at is not None)}


@bp.route("/contests")
@bearer
def contests_list():
    return jsonify([_contest_body(c) for c in contests.running_for(db.session, g.api_user, now())])


@bp.route("/contests/<int:contest_id>")
@bearer
def contest_detail(contest_id: int):
    contest = contests.visible_contest(db.session, g.api_user, contest_id)
    rounds = contests.my_rounds(db.session, g.api_user, contest.id)
    return {**_contest_body(contest), "rounds": [_round_body(r) for r in rounds],
            "active_round_id": next((r.id for r in rounds if r.status == "in_progress"), None),
            "rounds_left": max(0, contest.max_rounds_per_member - len(rounds))}


@bp.route("/contests/<int:contest_id>/rounds", methods=["POST"])
@bearer
def contest_start(contest_id: int):
    round_, created = contests.start_round(db.session, g.api_user, contest_id, now(),
                                           random.Random(secrets.randbits(64)))
    db.session.commit()
    return jsonify(_round_body(round_)), 201 if created else 200


@bp.route("/rounds/<int:round_id>")
@bearer
def round_detail(round_id: int):
    """The round and its settled questions with their keys: each asked of contests.settled_question, which
    leaves out a question still running, and one whose key the key rule withholds now."""
    user, moment = g.api_user, now()
    round_ = contests.round_for_member(db.session, user, round_id)
    settled = []
    for item in round_.questions:
        try:
            found = contests.settled_question(db.session, user, round_id, item.position, moment)
        except NotFound:
            continue
        version = found.version
        settled.append({
            "position": found.position, "type": version.qtype, "stem_html": version.stem_html,
            "options": [{"key": o["key"], "text": o["text"]} for o in version.options or []],
            "answer": sorted_choices(version.qtype, found.response) if found.answered else None,
            "correct_answer": sorted_choices(version.qtype, version.answer), "correct": found.correct,
            "late": found.late, "explanation_html": version.explanation_html,
        })
    return {**_round_body(round_), "settled": settled}


@bp.route("/rounds/<int:round_id>/current", methods=["POST"])
@bearer
def round_current(round_id: int):
    current = contests.state(db.session, g.api_user, round_id, now())
    db.session.commit()
    q = current.question
    question = None if q is None else {
        "position": q.position, "total": q.total, "type": q.qtype, "stem_html": q.stem_html,
        "options": [{"key": key, "text": text} for key, text in q.options], "deadline": iso(q.deadline),
        "remaining_ms": q.remaining_ms, **({"blanks": q.blanks} if q.qtype == "fill_blank" else {}),
    }
    return {"round": _round_body(current.round), "question": question}


@bp.route("/rounds/<int:round_id>/answers", methods=["POST"])
@bearer
def round_answer(round_id: int):
    body = json_body()
    position = body.get("position")
    if not isinstance(position, int) or isinstance(position, bool) or "answer" not in body:
        raise Invalid("请求体应包含 position（题号，从 1 开始）和 answer")
    result = contests.answer(db.session, g.api_user, round_id, position, body["answer"], now())
    db.session.commit()
    return {"accepted": result.accepted, "correct": result.correct if result.revealed else None,
            "finished": result.finished}


@bp.route("/contests/<int:contest_id>/board")
@bearer
def contest_board(contest_id: int):
    user, moment = g.api_user, now()
    contest = contests.visible_contest(db.session, user, contest_id)
    which = standing_rules.public_board(moment, contest.closes_at, contest.freeze_minutes)
    branches, computed_at = contests.branch_standings_read_only(db.session, contest, which, moment)
    branches = contests.with_own_branch(db.session, contest, which, branches, user.unit_id)
    overall = contests.leaderboard(db.session, contest, which, user, limit=BOARD_LIMIT)

    def row(r):
        return {"rank": r.rank, "name": r.name, "branch": r.branch, "score": r.score, "time_ms": r.time_ms,
                "mine": r.user_id == user.id}

    return {
        "frozen": which == "public", "participants": overall.participants,
        "top": [row(r) for r in overall.rows], "mine": row(overall.mine) if overall.mine else None,
        "branches": [{"rank": n, "name": b.name, "audience": b.audience, "participants": b.participants,
                      "mean_score": round(b.audience_mean, 3), "mine": b.unit_id == user.unit_id}
                     for n, b in enumerate(branches, start=1)],
        "branches_computed_at": iso(computed_at),
    }
