"""Item analysis of an exam and weak articles by branch, from members' first attempts.

A member's first attempt is their earliest submitted attempt at the exam in any of its sittings
(make-up sittings restart attempt numbers, so numbers alone cannot tell). Only answers saved before
the attempt's deadline count, as in grading.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ...domain import item_analysis as ia
from ...domain.scoring import percent
from ...models import Article, Unit, User
from ...models.exams import Answer, Attempt, AttemptQuestion, Exam, Sitting
from ...models.questions import QuestionVersion
from .audience import Scope


def first_attempts(exam: Exam, scope: Scope):
    """Subquery of the first submitted attempt of each member (within scope) at the exam."""
    rn = func.row_number().over(partition_by=Attempt.user_id, order_by=(Attempt.started_at, Attempt.id))
    stmt = (
        select(Attempt.id, Attempt.user_id, Attempt.score, Attempt.max_score, Attempt.deadline, rn.label("rn"))
        .join(Sitting, Sitting.id == Attempt.sitting_id).join(User, User.id == Attempt.user_id)
        .where(Sitting.exam_id == exam.id, Attempt.status == "submitted")
    )
    if scope is not None:
        stmt = stmt.where(User.unit_id.in_(scope or {-1}))
    ranked = stmt.subquery("ranked")
    return select(ranked).where(ranked.c.rn == 1).subquery("first")


@dataclass
class ItemRow:
    stats: ia.ItemStats
    version: QuestionVersion
    position: int

    @property
    def option_texts(self) -> dict[str, str]:
        if self.version.qtype == "true_false":
            return {ia.TRUE_KEY: "正确", ia.FALSE_KEY: "错误"}
        return {o["key"]: o["text"] for o in self.version.options or []}


@dataclass
class ItemReport:
    exam: Exam
    attempts: int
    items: list[ItemRow]


def item_analysis(session: Session, exam: Exam, scope: Scope) -> ItemReport:
    """Facility, discrimination, point-biserial, option counts and flags for every question taken."""
    first = first_attempts(exam, scope)
    answer = and_(Answer.attempt_id == first.c.id, Answer.question_id == AttemptQuestion.question_id,
                  Answer.saved_at <= first.c.deadline)
    rows = session.execute(
        select(first.c.id, first.c.score, first.c.max_score, AttemptQuestion.question_id,
               AttemptQuestion.question_version_id, AttemptQuestion.correct, QuestionVersion.qtype, Answer.response)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == first.c.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .outerjoin(Answer, answer)
    ).all()
    latest: dict[int, int] = {}
    responses = []
    for attempt_id, score, max_score, question_id, version_id, correct, qtype, response in rows:
        latest[question_id] = max(latest.get(question_id, 0), version_id)
        responses.append(ia.Response(attempt_id, percent(score, max_score), question_id, bool(correct),
                                     ia.chosen_options(qtype, response)))
    versions = {v.id: v for v in session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_(set(latest.values()) or {-1})))}
    ordered = sorted(latest, key=lambda q: (versions[latest[q]].chapter_number,
                                            versions[latest[q]].article_number or 0, q))
    items = []
    for question_id in ordered:
        version = versions[latest[question_id]]
        options, key = ia.key_options(version.qtype, version.answer, [o["key"] for o in version.options or []])
        items.append(ia.Item(question_id, version.qtype, options, key))
    stats = ia.analyse(responses, items)
    return ItemReport(exam, len({r.attempt_id for r in responses}),
                      [ItemRow(s, versions[latest[s.question_id]], n) for n, s in enumerate(stats, start=1)])


@dataclass
class ArticleRow:
    unit_id: int
    unit_name: str
    chapter_number: int
    article_number: int | None
    article_title: str
    answered: int
    correct: int

    @property
    def facility(self) -> float | None:
        return round(self.correct / self.answered, 3) if self.answered else None


def weak_articles(session: Session, exam: Exam, scope: Scope, unit_id: int | None = None) -> list[ArticleRow]:
    """Share correct per branch and article (GROUP BY in SQL), weakest first within each branch."""
    first = first_attempts(exam, scope)
    right = func.sum(case((AttemptQuestion.correct.is_(True), 1), else_=0))
    stmt = (
        select(User.unit_id, Unit.name, QuestionVersion.chapter_number, QuestionVersion.article_number,
               func.count(AttemptQuestion.id), right)
        .select_from(first).join(User, User.id == first.c.user_id).join(Unit, Unit.id == User.unit_id)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == first.c.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .group_by(User.unit_id, Unit.name, QuestionVersion.chapter_number, QuestionVersion.article_number)
    )
    if unit_id is not None:
        stmt = stmt.where(User.unit_id == unit_id)
    titles = {number: title for number, title in session.execute(
        select(Article.number, Article.title).where(Article.module_id == exam.module_id, Article.number.is_not(None)))}
    rows = [ArticleRow(u, name, ch, art, titles.get(art, f"第{art}条") if art else f"第{ch}章（整章）", n, int(ok or 0))
            for u, name, ch, art, n, ok in session.execute(stmt)]
    return sorted(rows, key=lambda r: (r.unit_name, r.facility if r.facility is not None else 1, r.chapter_number,
                                       r.article_number or 0))
