"""Practice sets (练习) over the services the practice pages use: what can be practised, start a set by
chapter, article, at random or from the wrong-answer book, its current question, answer with feedback.

No server state: a set is the sealed token of the practice pages (web.sealed), which the client keeps and
sends back; a token sealed for someone else is a 404. Starting a set and reading its current question
write nothing. An answer is graded and kept once per question handed out (services.practice.answer_once):
a retried request gets the first answer's feedback and the same next step. Keys and explanations come
only in the feedback, and only where services.key_access allows: a question withheld now (on an exam
paper of the member's that is open, in a 保密题库) is never handed out and cannot be answered.
"""
from __future__ import annotations

import random
import secrets

from flask import g, request

from ...extensions import db
from ...services import practice, study, wrong_book
from ...services.errors import Conflict, Invalid, NotFound
from .. import sealed
from ..clock import now
from . import MAX_ID, bp
from .auth import bearer
from .questions import feedback_body, question_body
from .shapes import json_body

KINDS = ("chapter", "article", "random", "book")


@bp.route("/practice")
@bearer
def practice_catalog():
    """What the practice page offers: modules, chapters and articles with question counts, the book, sizes."""
    moment, user = now(), g.api_user
    stats = practice.stats(db.session, user)
    return {
        "modules": [
            {"slug": choice.module.slug, "title": choice.module.title, "count": choice.count,
             "chapters": [{"number": chapter.number, "title": chapter.title, "count": chapter.count,
                           "articles": [{"number": number, "count": count}
                                        for number, count in sorted(chapter.articles.items())]}
                          for chapter in choice.chapters]}
            for choice in practice.catalog(db.session, user, moment)
        ],
        "book_count": wrong_book.count_open(db.session, user.id),
        "random_sizes": list(practice.RANDOM_SIZES), "random_max": practice.RANDOM_MAX,
        "answered": stats["answered"], "correct": stats["correct"],
    }


def _whole(body: dict, name: str, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
        raise Invalid(f"{name} 应为非负整数")
    return value


def _slug(body: dict, required: bool = True) -> str | None:
    value = body.get("module")
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise Invalid("module 应为学习专题的 slug")
    return value


def _chosen(body: dict, user, moment) -> practice.PracticeSet:
    kind, session = body.get("kind"), db.session
    if kind == "chapter":
        return practice.chapter_set(session, user, _slug(body), _whole(body, "chapter"), moment)
    if kind == "article":
        return practice.article_set(session, user, _slug(body), _whole(body, "article"), moment)
    if kind == "random":
        return practice.random_set(session, user, _whole(body, "count"), moment, random.Random(secrets.randbits(64)))
    if kind == "book":
        slug = _slug(body, required=False)
        module_id = study.get_visible_module(session, user, slug, moment).id if slug is not None else None
        return practice.book_set(session, user, moment, _whole(body, "chapter", required=False), module_id)
    raise Invalid(f"kind 应为 {'、'.join(KINDS)} 之一")


def _step(user, token: str, data: dict, moment) -> dict:
    """The set at its position, moved past questions no longer available now: the token to send next,
    the tally, and the question to answer (null once the set is done)."""
    ids = data["q"]
    found = practice.next_item(db.session, user, ids, data["i"], moment)
    position = found[0] if found else len(ids)
    if position != data["i"]:
        token = sealed.advance(data, None, moment, steps=position - data["i"])
    return {"token": token, "title": data["t"], "total": len(ids), "position": position,
            "answered": data["n"], "correct": data["ok"],
            "question": question_body(found[1].question.id, found[1].version) if found else None}


def _load(token: object) -> dict:
    data = sealed.load_set(token, g.api_user.id)
    if data is None:
        raise NotFound("练习不存在或已失效，请重新开始")
    return data


@bp.route("/practice/sets", methods=["POST"])
@bearer
def practice_start():
    body, moment, user = json_body(), now(), g.api_user
    chosen = _chosen(body, user, moment)
    db.session.commit()  # the set is kept by the client; the only write is bearer's record of the token's use
    token = sealed.dump_set(user.id, chosen.title, chosen.question_ids, moment)
    return _step(user, token, sealed.load_set(token, user.id), moment)


@bp.route("/practice/sets/current")
@bearer
def practice_current():
    token = request.args.get("token")
    if not token:
        raise Invalid("请提供 token（开始练习时得到的令牌）")
    return _step(g.api_user, token, _load(token), now())


@bp.route("/practice/sets/answer", methods=["POST"])
@bearer
def practice_answer():
    body, moment, user = json_body(), now(), g.api_user
    if not isinstance(body.get("token"), str) or "answer" not in body:
        raise Invalid("请求体应包含 token（练习令牌）和 answer")
    data = _load(body["token"])
    ids, index = data["q"], data["i"]
    if index >= len(ids):
        raise Conflict("本组练习已经答完")
    result = practice.answer_once(db.session, user, ids[index], body["answer"], moment, sealed.asked_at(data))
    db.session.commit()
    following = sealed.advance(data, result.answer.correct, result.answer.answered_at)
    return {"feedback": feedback_body(user, result, moment),
            "set": _step(user, following, sealed.load_set(following, user.id), moment)}
