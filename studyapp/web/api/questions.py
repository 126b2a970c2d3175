"""Shapes of practice-like questions (daily practice, spaced review) and of the feedback after an answer."""
from __future__ import annotations

from ...domain.grading import blank_count
from ...extensions import db
from ...services import key_access


def sorted_choices(qtype: str, value):
    """Multiple-choice answers and keys as sorted option keys, as the document promises."""
    return sorted(value) if qtype == "multiple" and isinstance(value, list) else value


def question_body(question_id: int, version) -> dict:
    """A question to answer: never its key or explanation."""
    body = {"id": question_id, "type": version.qtype, "stem_html": version.stem_html,
            "options": [{"key": o["key"], "text": o["text"]} for o in version.options or []]}
    if version.qtype == "fill_blank":
        body["blanks"] = blank_count(version.qtype, version.answer)
    return body


def feedback_body(user, result, moment) -> dict:
    """A graded practice answer (services.practice.Feedback). The key and explanation only where the key
    rule allows them now (practice refuses such questions already; asked again where the key is written)."""
    version = result.version
    shown = key_access.may_see_key(db.session, user, result.answer.question_id, moment)
    return {
        "question_id": result.answer.question_id, "correct": result.answer.correct,
        "answer": sorted_choices(version.qtype, result.answer.response),
        "correct_answer": sorted_choices(version.qtype, version.answer) if shown else None,
        "explanation_html": version.explanation_html if shown else None,
        "module_slug": result.module.slug, "chapter_number": version.chapter_number,
        "article_number": version.article_number,
    }
