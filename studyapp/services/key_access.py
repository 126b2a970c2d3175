"""May this person see the key of this question now? The one rule, asked by every page that shows a
member a key, the correctness of an answer or an explanation: practice, daily practice, spaced review,
the wrong-answer book, contests, the exam review and the API.

A question is withheld from a person while any of these holds:
  1. it is on the paper of an attempt of theirs in progress;
  2. it is on the paper of an attempt of theirs that is submitted, and the exam's review policy does
     not show that attempt's answers yet (under 不公布: until every sitting of the exam has closed,
     after which an open bank's question may be practised again; the attempt's own review stays shut);
  3. its module is the bank of a published exam marked 保密题库 whose audience includes them, and not
     every sitting of that exam (make-ups included) has closed.
Everything else a page shows is still subject to that page's own rule (services.study for what a member
may read). Organizer pages show keys of the banks in the actor's scope only: services.scope.usable_module
decides which, and may_manage_key below says so in this one place.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, not_, or_, select
from sqlalchemy.orm import Session

from ..domain import timing
from ..models import Module, Question, User
from ..models.exams import Attempt, AttemptQuestion, Exam, Sitting, SittingMember, SittingUnit
from . import scope


@dataclass(frozen=True)
class Withheld:
    """What a person may not see the key of now: single questions, and whole secret banks (modules)."""

    question_ids: frozenset[int] = frozenset()
    module_ids: frozenset[int] = frozenset()

    def covers(self, question_id: int, module_id: int | None = None) -> bool:
        return question_id in self.question_ids or (module_id is not None and module_id in self.module_ids)

    def allowed(self):
        """SQL condition on Question: the questions whose key may be shown (for filtering whole sets)."""
        parts = []
        if self.question_ids:
            parts.append(Question.id.in_(sorted(self.question_ids)))
        if self.module_ids:
            parts.append(Question.module_id.in_(sorted(self.module_ids)))
        return not_(or_(*parts)) if parts else not_(false())


def exam_closes_at(session: Session, exam_ids: set[int]) -> dict[int, datetime]:
    """The latest close of every sitting (make-ups included) of each exam."""
    if not exam_ids:
        return {}
    return dict(session.execute(select(Sitting.exam_id, func.max(Sitting.closes_at))
                                .where(Sitting.exam_id.in_(exam_ids)).group_by(Sitting.exam_id)).all())


def withheld(session: Session, user: User, now: datetime) -> Withheld:
    """Everything withheld from `user` at `now` (the set-based form: one call per page, no N+1)."""
    rows = session.execute(
        select(Attempt.id, Attempt.status, Sitting.closes_at, Exam.id, Exam.review_policy)
        .join(Sitting, Sitting.id == Attempt.sitting_id).join(Exam, Exam.id == Sitting.exam_id)
        .where(Attempt.user_id == user.id, Attempt.started)
    ).all()
    closes = exam_closes_at(session, {row[3] for row in rows if row[4] in ("after_close", "never")})
    pending = [attempt_id for attempt_id, status, sitting_closes, exam_id, policy in rows
               if status != "submitted" or not timing.paper_released(policy, True, now, sitting_closes,
                                                                     closes.get(exam_id))]
    question_ids = frozenset(session.scalars(
        select(AttemptQuestion.question_id).where(AttemptQuestion.attempt_id.in_(pending)))) if pending else frozenset()
    return Withheld(question_ids, frozenset(secret_banks(session, user, now)))


def secret_banks(session: Session, user: User, now: datetime) -> set[int]:
    """Modules of published 保密题库 exams whose audience includes the user and that are not over."""
    in_audience = or_(
        select(SittingUnit.sitting_id).where(SittingUnit.sitting_id == Sitting.id,
                                             SittingUnit.unit_id.in_(scope.ancestors_select(user.unit_id)))
        .exists(),
        select(SittingMember.sitting_id).where(SittingMember.sitting_id == Sitting.id,
                                               SittingMember.user_id == user.id).exists(),
    )
    audience_exams = select(Sitting.exam_id).where(in_audience)
    not_over = select(Sitting.exam_id).where(Sitting.closes_at > now)
    return set(session.scalars(select(Exam.module_id).where(
        Exam.secret_bank.is_(True), Exam.status == "published", Exam.id.in_(audience_exams),
        Exam.id.in_(not_over))))


def may_see_key(session: Session, user: User, question_id: int, now: datetime) -> bool:
    """The single question form of the rule: may `user` see this question's key, correctness and
    explanation on a member page now?"""
    module_id = session.scalar(select(Question.module_id).where(Question.id == question_id))
    return not withheld(session, user, now).covers(question_id, module_id)


def review_visible(session: Session, user: User, attempt: Attempt, now: datetime) -> bool:
    """May the member see this attempt's answers, keys and explanations now: the exam's review policy,
    and never while another attempt of theirs in progress has any of the same questions."""
    sitting = attempt.sitting
    exam = sitting.exam
    closes = exam_closes_at(session, {exam.id}).get(exam.id)
    if not timing.review_visible(exam.review_policy, attempt.status == "submitted", now, sitting.closes_at, closes):
        return False
    open_papers = (select(AttemptQuestion.question_id).join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
                   .where(Attempt.user_id == user.id, Attempt.status == "in_progress", Attempt.id != attempt.id))
    overlap = session.scalar(select(AttemptQuestion.id).where(AttemptQuestion.attempt_id == attempt.id,
                                                              AttemptQuestion.question_id.in_(open_papers)).limit(1))
    return overlap is None


def may_manage_key(session: Session, actor: User, module: Module) -> bool:
    """Organizer pages: keys of a bank are shown only to organizers and administrators whose scope
    includes it (services.scope.usable_module is the check)."""
    return scope.may_use_module(session, actor, module)
