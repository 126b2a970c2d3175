"""Correct an answer key, then regrade every submitted attempt of an exam.

A version an attempt showed is never edited, so correcting a key saves a new version of the question
(the bank's own edit path) and makes it current. Regrading then grades each answer with the key of
the question's current version when that version still offers the same options (same type, same
option keys and texts: only the key or wording was fixed); otherwise with the key the member saw.
Grading is domain.grading's, scoring domain.scoring's: nothing is graded twice in two ways.
Every changed score is recorded as a ScoreChange; a second run finds nothing to change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...domain import grading, scoring
from ...domain.problems import ValidationFailed
from ...domain.questions.draft import parse_answer
from ...models import Question, QuestionVersion, User
from ...models.exams import Answer, Attempt, AttemptQuestion, Exam, Sitting
from ...models.reports import ScoreChange
from ..errors import Invalid, NotFound
from ..question_versions import draft_of
from ..questions import edit_question

CHUNK = 500


def correct_key(session: Session, actor: User, exam: Exam, question_id: int, key_text: str, now: datetime) -> str:
    """Save a corrected key for a question of the exam's bank ("unchanged", "edited" or "versioned")."""
    question = session.get(Question, question_id)
    if question is None or question.module_id != exam.module_id or question.current is None:
        raise NotFound("题目不存在")
    current = question.current
    answer, error = parse_answer(current.qtype, key_text)
    if error or answer is None:
        raise Invalid(error or "请填写正确答案")
    draft = draft_of(question, current)
    draft.answer = answer
    try:
        return edit_question(session, actor, question, draft, now)
    except ValidationFailed as failed:
        raise Invalid("；".join(p.message for p in failed.problems)) from None


def effective_key(pinned: QuestionVersion, current: QuestionVersion | None):
    """The key to grade with: the current version's if it offers exactly what the member saw."""
    if current is None or current.id == pinned.id:
        return pinned.answer
    same = current.qtype == pinned.qtype and (current.options or []) == (pinned.options or [])
    if same and pinned.qtype == "fill_blank":
        same = len(current.answer) == len(pinned.answer)
    return current.answer if same else pinned.answer


@dataclass
class RegradeResult:
    attempts: int = 0
    changes: list[ScoreChange] = field(default_factory=list)


def regrade_exam(session: Session, actor: User | None, exam: Exam, now: datetime, reason: str = "") -> RegradeResult:
    """Regrade every submitted attempt of the exam, in chunks; record each changed score."""
    result = RegradeResult()
    ids = list(session.scalars(
        select(Attempt.id).join(Sitting, Sitting.id == Attempt.sitting_id)
        .where(Sitting.exam_id == exam.id, Attempt.status == "submitted").order_by(Attempt.id)
    ))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        result.attempts += len(chunk)
        result.changes += _regrade_chunk(session, actor, exam, chunk, now, reason or "更正答案后重新评分")
    session.flush()
    return result


def _regrade_chunk(session, actor, exam, ids, now, reason) -> list[ScoreChange]:
    attempts = {a.id: a for a in session.scalars(select(Attempt).where(Attempt.id.in_(ids)))}
    items: dict[int, list[AttemptQuestion]] = {}
    for item in session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id.in_(ids))
                                .options(selectinload(AttemptQuestion.version))):
        items.setdefault(item.attempt_id, []).append(item)
    question_ids = {i.question_id for rows in items.values() for i in rows}
    current = {v.question_id: v for v in session.scalars(
        select(QuestionVersion).join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.id.in_(question_ids or {-1})))}
    saved = {(attempt_id, question_id): response for attempt_id, question_id, response in session.execute(
        select(Answer.attempt_id, Answer.question_id, Answer.response).join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Answer.attempt_id.in_(ids), Answer.saved_at <= Attempt.deadline))}
    changes = []
    for attempt_id in ids:
        attempt = attempts[attempt_id]
        awarded = []
        for item in items.get(attempt_id, []):
            key = effective_key(item.version, current.get(item.question_id))
            outcome = grading.grade(item.version.qtype, key, saved.get((attempt_id, item.question_id)), item.points,
                                    exam.multiple_policy, stem=item.version.stem_md)
            if (item.awarded, item.correct) != (outcome.awarded, outcome.correct):
                item.awarded, item.correct = outcome.awarded, outcome.correct
            awarded.append(outcome.awarded)
        score = scoring.total(awarded)
        passed = scoring.passed(score, attempt.max_score, exam.pass_percent)
        if score != attempt.score or passed != attempt.passed:
            change = ScoreChange(attempt_id=attempt_id, old_score=attempt.score, new_score=score,
                                 old_passed=attempt.passed, new_passed=passed, reason=reason[:200],
                                 changed_by_id=actor.id if actor else None, changed_at=now)
            session.add(change)
            changes.append(change)
            attempt.score, attempt.passed = score, passed
    session.flush()
    return changes


def score_changes(session: Session, exam: Exam, scope: set[int] | None, limit: int = 500) -> list[tuple]:
    """Recorded changes for the exam's attempts (members within scope), newest first: (change, user)."""
    stmt = (
        select(ScoreChange, User).join(Attempt, Attempt.id == ScoreChange.attempt_id)
        .join(Sitting, Sitting.id == Attempt.sitting_id).join(User, User.id == Attempt.user_id)
        .where(Sitting.exam_id == exam.id).order_by(ScoreChange.changed_at.desc(), ScoreChange.id.desc()).limit(limit)
    )
    if scope is not None:
        stmt = stmt.where(User.unit_id.in_(scope or {-1}))
    return [tuple(row) for row in session.execute(stmt)]
