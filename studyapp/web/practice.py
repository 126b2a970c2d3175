"""Practice pages: choose a set, answer one question per page, see the key and explanation at once.

Works without JavaScript: each answer is a plain form POST. The set travels with the member as a
sealed token (question ids, position, running tally) in the URL or form, never in server memory,
so any worker can serve any step and a reload repeats nothing. The token is encrypted, not only
signed: readable question ids would let a member match a practice set against an exam paper.
"""
from __future__ import annotations

import base64
import hashlib
import json
import random
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..services import practice, wrong_book
from ..services.errors import Invalid, NotFound
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


# ---- the signed practice set ---------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="practice-set")


def _keystream(nonce: bytes, length: int) -> bytes:
    # SHAKE-256 keyed with a key derived from the app secret and a fresh nonce: a stream cipher from
    # the standard library (the signature from itsdangerous authenticates the ciphertext).
    secret = hashlib.sha256(b"practice-set-seal:" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    return hashlib.shake_256(secret + nonce).digest(length)


def seal(data: dict) -> str:
    plain = json.dumps(data, separators=(",", ":")).encode()
    nonce = secrets.token_bytes(16)
    sealed = nonce + bytes(a ^ b for a, b in zip(plain, _keystream(nonce, len(plain))))
    return _serializer().dumps(base64.urlsafe_b64encode(sealed).decode())


def unseal(token: str) -> object:
    """The data in a token made by seal(); BadSignature for anything else."""
    sealed = base64.urlsafe_b64decode(_serializer().loads(token).encode())
    nonce, body = sealed[:16], sealed[16:]
    try:
        return json.loads(bytes(a ^ b for a, b in zip(body, _keystream(nonce, len(body)))))
    except ValueError:
        raise BadSignature("damaged") from None


def dump_set(title: str, ids: list[int], index: int = 0, correct: int = 0, answered: int = 0) -> str:
    return seal({"u": current_user.id, "t": title, "q": ids, "i": index, "ok": correct, "n": answered})


def load_set(token: str | None) -> dict:
    """The set in the token; a forged, damaged or someone else's token is a 404."""
    try:
        data = unseal(token or "")
    except (BadSignature, ValueError, TypeError, AttributeError):
        abort(404)
    if not isinstance(data, dict) or data.get("u") != current_user.id:
        abort(404)
    return data


def _advance(data: dict, correct: bool | None) -> str:
    """The token for the next step: one further, with the tally updated (None: skipped)."""
    return dump_set(data["t"], data["q"], data["i"] + 1, data["ok"] + bool(correct),
                    data["n"] + (correct is not None))


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
    return redirect(url_for(".run", s=dump_set(chosen.title, chosen.question_ids)))


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
        return redirect(url_for(".run", s=_advance(data, None)))
    error = None
    if request.method == "POST":
        try:
            raw = read_response(item.version, request.form)
            result = practice.answer(db.session, current_user, item.question.id, raw, now())
        except Invalid as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            return redirect(url_for(".feedback", s=_advance(data, result.answer.correct), a=result.answer.id))
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
