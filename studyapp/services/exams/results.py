"""What a member may see after an attempt: score, pass/fail, and the review the policy allows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain import grading, scoring, timing
from ...domain.paper import display_letters
from ...models import User
from .. import key_access
from ...models.exams import Answer, Attempt, AttemptQuestion, Exam, Sitting


@dataclass
class ReviewItem:
    position: int
    question_id: int
    qtype: str
    stem_html: str
    options: list[tuple[str, str, str]]  # (original key, display letter, text)
    response: object
    key: object
    correct: bool | None
    awarded: float | None
    points: float
    explanation_html: str
    chapter_number: int
    article_number: int | None


@dataclass(frozen=True)
class Tally:
    """How a submitted paper went, question by question: 答对 / 答错 / 未答."""

    right: int
    wrong: int
    unanswered: int


@dataclass
class ResultView:
    attempt: Attempt
    exam: Exam
    sitting: Sitting
    status: str  # "in_progress", "overdue" (waiting to be finalized) or "submitted"
    review_visible: bool
    counts: bool  # this attempt is the one that counts for the member's record
    items: list[ReviewItem] = field(default_factory=list)
    #: The policy would show the review, but another attempt in progress has the same questions.
    review_blocked: bool = False
    tally: Tally | None = None  # submitted attempts only; counts, never which question, so any policy shows it


def display_status(attempt: Attempt, now: datetime) -> str:
    """"in_progress", "overdue" (past its deadline, waiting to be finalized) or "submitted": one wording
    for the result page, the records and the API."""
    if attempt.status != "submitted" and timing.is_overdue(now, attempt.deadline):
        return "overdue"
    return attempt.status


def attempt_result(session: Session, user: User, attempt: Attempt, now: datetime) -> ResultView:
    """Score and outcome; per-question keys and explanations only where the review policy allows. Reads only."""
    sitting = attempt.sitting
    exam = sitting.exam
    submitted = attempt.status == "submitted"
    status = display_status(attempt, now)
    visible = key_access.review_visible(session, user, attempt, now)
    view = ResultView(attempt, exam, sitting, status, visible, submitted and _counting_id(session, attempt) == attempt.id)
    if not visible:
        closes = key_access.exam_closes_at(session, {exam.id}).get(exam.id)
        view.review_blocked = timing.review_visible(exam.review_policy, submitted, now, sitting.closes_at, closes)
    if not submitted:
        return view
    saved = dict(session.execute(
        select(Answer.question_id, Answer.response).where(Answer.attempt_id == attempt.id)
    ).all())
    items = session.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
        .options(selectinload(AttemptQuestion.version)).order_by(AttemptQuestion.position)
    ).all()
    right = sum(1 for item in items if item.correct)
    blank = sum(1 for item in items if grading.is_blank(item.version.qtype, saved.get(item.question_id)))
    view.tally = Tally(right, len(items) - right - blank, blank)
    if not visible:
        return view
    for item in items:
        version = item.version
        texts = {o["key"]: o["text"] for o in version.options or []}
        letters = display_letters(item.option_order)
        view.items.append(ReviewItem(
            item.position, item.question_id, version.qtype, version.stem_html,
            [(key, letters[key], texts.get(key, "")) for key in item.option_order],
            saved.get(item.question_id), version.answer, item.correct, item.awarded, item.points,
            version.explanation_html, version.chapter_number, version.article_number,
        ))
    return view


def _counting_id(session: Session, attempt: Attempt) -> int | None:
    rows = session.execute(
        select(Attempt.id, Attempt.number, Attempt.score, Attempt.started_at).join(Sitting)
        .where(Sitting.exam_id == attempt.sitting.exam_id, Attempt.user_id == attempt.user_id,
               Attempt.status == "submitted")
    ).all()
    # Numbers restart in each sitting (make-ups); order by start time for "last".
    ordered = sorted(rows, key=lambda r: (r.started_at, r.id))
    scored = [scoring.Scored(r.id, n, r.score) for n, r in enumerate(ordered, start=1)]
    return scoring.counting_attempt(scored, attempt.sitting.exam.counting)


@dataclass
class ExamRecord:
    exam: Exam
    attempts: list[Attempt]
    counting_id: int | None

    @property
    def counting(self) -> Attempt | None:
        return next((a for a in self.attempts if a.id == self.counting_id), None)


def my_records(session: Session, user: User) -> list[ExamRecord]:
    """Every exam the member has attempted, newest first, with the attempt that counts."""
    attempts = session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.started)
        .options(selectinload(Attempt.sitting).selectinload(Sitting.exam))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    ).all()
    by_exam: dict[int, ExamRecord] = {}
    for attempt in attempts:
        exam = attempt.sitting.exam
        record = by_exam.setdefault(exam.id, ExamRecord(exam, [], None))
        record.attempts.append(attempt)
    for record in by_exam.values():
        done = sorted((a for a in record.attempts if a.status == "submitted"), key=lambda a: (a.started_at, a.id))
        record.counting_id = scoring.counting_attempt(
            [scoring.Scored(a.id, n, a.score) for n, a in enumerate(done, start=1)], record.exam.counting
        )
    return list(by_exam.values())
