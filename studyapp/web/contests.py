"""Member contest pages: running contests, playing a round one question at a time, leaderboards.

Works without JavaScript: each answer is a plain form POST; the page then shows that question's
correct answer, and the next question (and its clock) comes when the member asks for it. contest.js
only shows the server's countdown and reloads when it runs out; the server decides what counts.
"""
from __future__ import annotations

import random
import secrets

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain import contest_rules
from ..domain import standings as standing_rules
from ..domain.answer_text import describe_key, describe_response
from ..database import intending_to_write
from ..extensions import db
from ..models import QuestionVersion
from ..services import contests
from ..services.errors import Conflict, Invalid, NotFound
from .answer_forms import read_response
from .clock import now
from .nav import add_card, add_nav

bp = Blueprint("contests", __name__, url_prefix="/contests")
#: Branches listed on a member's board (their own branch is added with its rank when further down).
BOARD_BRANCHES = 20
add_nav("contests.index", "竞赛", order=20)
add_card("contests.index", "答题竞赛", "限时答题，看看本支部排第几", order=35)


@bp.before_request
@login_required
def _members_only():
    return None


def _contest(contest_id: int):
    try:
        return contests.visible_contest(db.session, current_user, contest_id)
    except NotFound:
        abort(404)


@bp.route("/")
def index():
    moment = now()
    running = contests.running_for(db.session, current_user, moment)
    return render_template("contests/index.html", running=running)


@bp.route("/<int:contest_id>")
def detail(contest_id: int):
    contest = _contest(contest_id)
    rounds = contests.my_rounds(db.session, current_user, contest.id)
    moment = now()
    return render_template("contests/detail.html", contest=contest, rounds=rounds, now=moment,
                           is_open=contest.opens_at <= moment < contest.closes_at,
                           active=next((r for r in rounds if r.status == "in_progress"), None),
                           flag_labels=contest_rules.FLAG_LABELS)


@bp.route("/<int:contest_id>/start", methods=["POST"])
def start(contest_id: int):
    _contest(contest_id)
    try:
        round_, _created = contests.start_round(db.session, current_user, contest_id, now(),
                                                random.Random(secrets.randbits(64)))
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".detail", contest_id=contest_id))
    db.session.commit()
    return redirect(url_for(".play", round_id=round_.id))


@bp.route("/rounds/<int:round_id>")
def play(round_id: int):
    """The current question, handed out (and its clock started) by this request, or the round's result.

    ?after=N shows question N's outcome and correct answer once it is settled, and starts no clock.
    """
    after = request.args.get("after", type=int)
    if after is not None and 0 < after < 2**31:
        try:
            settled = contests.settled_question(db.session, current_user, round_id, after, now())
        except NotFound:
            settled = None
        if settled is not None:
            return _settled_page(round_id, settled)
    try:
        current = contests.state(db.session, current_user, round_id, now())
    except NotFound:
        abort(404)
    db.session.commit()
    if current.question is None:
        return render_template("contests/result.html", round=current.round, contest=current.contest,
                               flag_labels=contest_rules.FLAG_LABELS)
    return render_template("contests/play.html", state=current, q=current.question)


def _settled_page(round_id: int, settled):
    version = settled.version
    return render_template(
        "contests/answered.html", round_id=round_id, s=settled, version=version,
        your_answer=describe_response(version.qtype, settled.response, version.options) if settled.answered else None,
        key=describe_key(version.qtype, version.answer, version.options))


@bp.route("/rounds/<int:round_id>/answer", methods=["POST"])
def answer(round_id: int):
    """Answer the question at `position`; the receipt time on the server decides whether it counts."""
    moment = now()
    position = request.form.get("position", type=int) or 0
    try:
        current = contests.round_for_member(db.session, current_user, round_id)
        item = next((q for q in current.questions if q.position == position), None)
        if item is None:
            raise NotFound("题目不存在")
        raw = read_response(db.session.get(QuestionVersion, item.question_version_id), request.form)
        result = contests.answer(db.session, current_user, round_id, position, raw, moment)
    except NotFound:
        abort(404)
    except (Conflict, Invalid) as exc:
        db.session.rollback()
        if _wants_json():
            return jsonify(error=str(exc)), exc.status
        flash(str(exc), "warning")
        return redirect(url_for(".play", round_id=round_id))
    db.session.commit()
    if not result.accepted:
        message = "超时作答，本题不计分。"
    elif not result.revealed:
        message = "已作答。"
    elif result.correct:
        message = "回答正确！"
    else:
        message = "回答错误。"
    if _wants_json():
        return jsonify(accepted=result.accepted, correct=result.correct if result.revealed else None,
                       finished=result.finished,
                       message=message, next=url_for(".play", round_id=round_id))
    return redirect(url_for(".play", round_id=round_id, after=position))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def branch_board(contest, which: str, moment):
    """Branch standings for a page, refreshing the shared cache in its own short write transaction.

    A GET begins as a reader; on SQLite a reader cannot turn writer once another request has committed
    (it fails at once, whatever the busy timeout), so a stale cache is refreshed in a transaction that
    takes the write lock first. Within the 30 seconds a cached copy lives, the page writes nothing.
    """
    cached = contests.cached_branch_standings(db.session, contest, which, moment)
    if cached is not None:
        return cached
    db.session.commit()  # ends the read transaction; `contest` reloads on next use
    with intending_to_write():
        standings = contests.branch_standings(db.session, contest, which, moment)  # re-checks under the lock
        db.session.commit()
    return standings


@bp.route("/<int:contest_id>/board")
def board(contest_id: int):
    """The public leaderboard: frozen during the last minutes, with my rank and the branch standings."""
    contest = _contest(contest_id)
    moment = now()
    which = standing_rules.public_board(moment, contest.closes_at, contest.freeze_minutes)
    branches, computed_at = branch_board(contest, which, moment)
    branches = contests.with_own_branch(db.session, contest, which, branches, current_user.unit_id)
    overall = contests.leaderboard(db.session, contest, which, current_user, limit=20)
    # A phone shows the leading branches and the member's own; the organizer's monitor lists them all.
    ranked = list(enumerate(branches, start=1))
    my_branch = next(((rank, row) for rank, row in ranked[BOARD_BRANCHES:] if row.unit_id == current_user.unit_id),
                     None)
    return render_template("contests/board.html", contest=contest, board=overall, branches=ranked[:BOARD_BRANCHES],
                           my_branch=my_branch, branch_count=len(branches),
                           computed_at=computed_at, frozen=which == "public",
                           freeze_at=standing_rules.freeze_at(contest.closes_at, contest.freeze_minutes))
