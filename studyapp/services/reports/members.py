"""One member seen by an organizer: every attempt in a sitting with its answers, and a transcript.

Organizers see the answers of an attempt only once it is submitted (an attempt still in progress shows
its status alone), whatever the exam's review policy for members.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain.answer_text import describe_key, describe_response
from ...domain.paper import display_letters
from ...models import Chapter, Module, User
from ...models.exams import Answer, Attempt, AttemptQuestion, Sitting
from ...models.progress import StudyProgress
from ..exams.results import ExamRecord, my_records


@dataclass
class AnswerLine:
    position: int
    question_id: int
    qtype: str
    stem_html: str
    response: str
    key: str
    correct: bool | None
    awarded: float | None
    points: float
    options: list[tuple[str, str]]  # (letter shown to the member, text) in display order


@dataclass
class AttemptDetail:
    attempt: Attempt
    answers: list[AnswerLine] = field(default_factory=list)


def sitting_attempts(session: Session, sitting: Sitting, person: User) -> list[AttemptDetail]:
    """The member's attempts in the sitting, first to last; answers for submitted ones."""
    attempts = list(session.scalars(
        select(Attempt).where(Attempt.sitting_id == sitting.id, Attempt.user_id == person.id, Attempt.started)
        .order_by(Attempt.number)
    ))
    done = [a.id for a in attempts if a.status == "submitted"]
    saved = {(a.attempt_id, a.question_id): a.response
             for a in session.scalars(select(Answer).where(Answer.attempt_id.in_(done or [-1])))}
    items: dict[int, list[AttemptQuestion]] = {}
    for item in session.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(done or [-1]))
        .options(selectinload(AttemptQuestion.version)).order_by(AttemptQuestion.position)
    ):
        items.setdefault(item.attempt_id, []).append(item)
    details = []
    for attempt in attempts:
        detail = AttemptDetail(attempt)
        for item in items.get(attempt.id, []):
            version = item.version
            detail.answers.append(_line(item, version, saved.get((attempt.id, item.question_id))))
        details.append(detail)
    return details


def _line(item: AttemptQuestion, version, response) -> AnswerLine:
    """Letters as the member saw them (shuffled options get the letters of their display order)."""
    letters = display_letters(item.option_order or [o["key"] for o in version.options or []])
    texts = {o["key"]: o["text"] for o in version.options or []}
    shown = [{"key": letters[k], "text": texts.get(k, "")} for k in letters]

    def relabel(value):
        if version.qtype == "single" and isinstance(value, str):
            return letters.get(value, value)
        if version.qtype == "multiple" and isinstance(value, list):
            return sorted(letters.get(v, v) for v in value)
        return value

    return AnswerLine(
        item.position, item.question_id, version.qtype, version.stem_html,
        describe_response(version.qtype, relabel(response), shown),
        describe_key(version.qtype, relabel(version.answer), shown),
        item.correct, item.awarded, item.points, [(o["key"], o["text"]) for o in shown],
    )


@dataclass
class StudyLine:
    module_title: str
    chapter_number: int
    chapter_title: str
    started_at: object
    completed_at: object
    minutes: float


@dataclass
class Transcript:
    person: User
    exams: list[ExamRecord]
    study: list[StudyLine]


def transcript(session: Session, person: User) -> Transcript:
    """All the member's exams (with the attempt that counts) and their study progress by chapter."""
    study = [
        StudyLine(title, number, chapter_title, started, completed, round(seconds / 60, 1))
        for title, number, chapter_title, started, completed, seconds in session.execute(
            select(Module.title, Chapter.number, Chapter.title, StudyProgress.started_at,
                   StudyProgress.completed_at, StudyProgress.seconds_spent)
            .join(Chapter, Chapter.id == StudyProgress.chapter_id).join(Module, Module.id == Chapter.module_id)
            .where(StudyProgress.user_id == person.id).order_by(Module.order, Module.id, Chapter.number)
        )
    ]
    return Transcript(person, my_records(session, person), study)
