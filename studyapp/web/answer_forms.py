"""Answering one question on a page: what the inputs show, what a plain form POST means, what feedback says.

Practice, daily practice, spaced review and contests all ask questions with the same inputs
(templates/_question.html, fields `answer` and `blank`) and show feedback the same way
(templates/_feedback.html). This module is their one home on the web side; whether a response is
valid and right is still decided by domain.grading through the services.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..domain.answer_text import describe_key, describe_response
from ..domain.content_files import chapter_label
from ..domain.grading import blank_count
from ..models import TYPE_LABELS, QuestionVersion
from ..services import practice
from .links import article_url


def type_label(qtype: str) -> str:
    """单选题, 多选题, ... (a template filter: `q.qtype|qtype_label`)."""
    return f"{TYPE_LABELS[qtype]}题" if qtype in TYPE_LABELS else qtype


@dataclass(frozen=True)
class Prompt:
    """What the member may see of a question before answering: never the key.

    Contests hand the template their own QuestionView, which has the same four fields.
    """

    qtype: str
    stem_html: str
    options: list[tuple[str, str]]  # (letter, text)
    blanks: int


def prompt_of(version: QuestionVersion) -> Prompt:
    return Prompt(version.qtype, version.stem_html, [(o["key"], o["text"]) for o in version.options or []],
                  blank_count(version.qtype, version.answer))


def response_from_form(qtype: str, form, blanks: int):
    """A plain form's fields as the canonical response shape (checked by the grader afterwards)."""
    if qtype == "single":
        return form.get("answer") or None
    if qtype == "multiple":
        return form.getlist("answer")
    if qtype == "true_false":
        return {"true": True, "false": False}.get(form.get("answer", ""))
    if qtype == "fill_blank":
        values = form.getlist("blank")
        return values if len(values) == blanks else [""] * blanks
    return None


def read_response(version: QuestionVersion, form):
    """The response the form gives to `version`."""
    return response_from_form(version.qtype, form, blank_count(version.qtype, version.answer))


@dataclass(frozen=True)
class FeedbackView:
    """A graded answer as templates/_feedback.html shows it."""

    correct: bool
    stem_html: str
    your_answer: str
    key: str
    explanation_html: str | None
    source_label: str  # the article's title, or the chapter when the question names no article
    source_link: str


def feedback_view(session: Session, result: practice.Feedback) -> FeedbackView:
    version = result.version
    article = practice.article_of(session, version, result.module)
    return FeedbackView(
        correct=result.answer.correct, stem_html=version.stem_html,
        your_answer=describe_response(version.qtype, result.answer.response, version.options),
        key=describe_key(version.qtype, version.answer, version.options),
        explanation_html=version.explanation_html,
        source_label=article.title if article else chapter_label(version.chapter_number),
        source_link=article_url(result.module.slug, version.chapter_number, version.article_number),
    )
