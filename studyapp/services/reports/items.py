"""Item analysis of an exam and weak articles by branch, from members' first attempts.

A member's first attempt is their earliest submitted attempt at the exam in any of its sittings
(make-up sittings restart attempt numbers, so numbers alone cannot tell). Only answers saved before
the attempt's deadline count, as in grading.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Text, and_, case, cast, func, select
from sqlalchemy.orm import Session

from ...domain import item_analysis as ia
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
    """Facility, discrimination, point-biserial, option counts and flags for every question taken.

    Summed in SQL per question (four statements, whatever the number of attempts); the formulas are
    domain.item_analysis's, fed with the sums."""
    first = first_attempts(exam, scope)
    n = session.scalar(select(func.count()).select_from(first)) or 0
    size = ia.group_size(n)
    total = (first.c.score * 100.0 / first.c.max_score).label("total")
    ranked = select(first.c.id, first.c.deadline, total, func.row_number().over(
        order_by=(total.desc(), first.c.id)).label("pos")).subquery("ranked")
    upper, lower = ranked.c.pos <= size, ranked.c.pos > n - size
    right = AttemptQuestion.correct.is_(True)

    def count_if(*conditions):
        return func.sum(case((and_(*conditions), 1), else_=0))

    tallies: dict[int, ia.Tally] = {}
    latest: dict[int, int] = {}
    for row in session.execute(
        select(AttemptQuestion.question_id, func.count(), count_if(right), count_if(upper), count_if(upper, right),
               count_if(lower), count_if(lower, right), func.sum(ranked.c.total),
               func.sum(ranked.c.total * ranked.c.total), func.sum(case((right, ranked.c.total), else_=0.0)),
               func.max(AttemptQuestion.question_version_id))
        .select_from(ranked).join(AttemptQuestion, AttemptQuestion.attempt_id == ranked.c.id)
        .group_by(AttemptQuestion.question_id)
    ):
        question_id, takers, ok, up, up_ok, low, low_ok, s1, s2, s_ok, version_id = row
        tallies[question_id] = ia.Tally(takers, int(ok or 0), int(up or 0), int(up_ok or 0), int(low or 0),
                                        int(low_ok or 0), float(s1 or 0), float(s2 or 0), float(s_ok or 0))
        latest[question_id] = version_id
    versions = {v.id: v for v in session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_(set(latest.values()) or {-1})))}
    _count_choices(session, ranked, tallies, {q: versions[v].qtype for q, v in latest.items()})
    ordered = sorted(latest, key=lambda q: (versions[latest[q]].chapter_number,
                                            versions[latest[q]].article_number or 0, q))
    rows = []
    for position, question_id in enumerate(ordered, start=1):
        version = versions[latest[question_id]]
        options, key = ia.key_options(version.qtype, version.answer, [o["key"] for o in version.options or []])
        stats = ia.item_stats(ia.Item(question_id, version.qtype, options, key), tallies[question_id])
        rows.append(ItemRow(stats, version, position))
    return ItemReport(exam, n, rows)


def _count_choices(session: Session, ranked, tallies: dict[int, ia.Tally], qtypes: dict[int, str]) -> None:
    """Times each distinct saved response was given (saved before the deadline), spread over options."""
    response = cast(Answer.response, Text)
    for question_id, text, times in session.execute(
        select(Answer.question_id, response, func.count())
        .select_from(ranked).join(Answer, and_(Answer.attempt_id == ranked.c.id, Answer.saved_at <= ranked.c.deadline))
        .group_by(Answer.question_id, response)
    ):
        tally = tallies.get(question_id)
        if tally is None or text is None:
            continue
        chosen = ia.chosen_options(qtypes.get(question_id, ""), json.loads(text))
        if chosen:
            tally.answered += times
        for key in chosen:
            tally.chosen[key] = tally.chosen.get(key, 0) + times


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
