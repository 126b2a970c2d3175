"""Reading a bank: the filtered question list (for pages and exports) and the coverage matrix."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Select, Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from ..models import Article, Chapter, Module, Question, QuestionVersion, User
from .scope import usable_modules

TYPES = ("single", "multiple", "true_false", "fill_blank")


@dataclass(frozen=True)
class BankFilter:
    """What the organizer asked for; every field optional except the module."""

    module_id: int
    chapter: int | None = None
    article: int | None = None  # 0 means "whole-chapter questions" (no article)
    qtype: str | None = None
    difficulty: int | None = None
    tag: str = ""
    text: str = ""
    status: str = "active"  # "active", "retired" or "all"

    def as_args(self) -> dict:
        """The filter as query-string arguments (for pager links, exports and coverage cells)."""
        args = {"module": self.module_id, "chapter": self.chapter, "article": self.article, "type": self.qtype,
                "difficulty": self.difficulty, "tag": self.tag, "q": self.text,
                "status": self.status if self.status != "active" else None}
        return {key: value for key, value in args.items() if value not in (None, "")}


def editable_modules(session: Session, actor: User) -> list[Module]:
    """Modules whose banks the actor may see (services.scope.usable_modules); which of them they may
    change is services.scope.may_edit_bank."""
    return usable_modules(session, actor)


def question_query(f: BankFilter) -> Select:
    """Questions with their current version, newest chapter order first, matching the filter."""
    query = (select(Question).join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
             .where(Question.module_id == f.module_id))
    conditions = []
    if f.status in ("active", "retired"):
        conditions.append(Question.status == f.status)
    if f.chapter is not None:
        conditions.append(QuestionVersion.chapter_number == f.chapter)
    if f.article == 0:
        conditions.append(QuestionVersion.article_number.is_(None))
    elif f.article is not None:
        conditions.append(QuestionVersion.article_number == f.article)
    if f.qtype in TYPES:
        conditions.append(QuestionVersion.qtype == f.qtype)
    if f.difficulty in (1, 2, 3):
        conditions.append(QuestionVersion.difficulty == f.difficulty)
    if f.tag:
        # Tags are a JSON list; match the serialized "tag" so "数字" does not match "数字化".
        conditions.append(cast(QuestionVersion.tags, Text).contains(json.dumps(f.tag), autoescape=True))
    if f.text:
        conditions.append(or_(QuestionVersion.stem_md.contains(f.text, autoescape=True),
                              QuestionVersion.explanation_md.contains(f.text, autoescape=True),
                              Question.key == f.text))
    return query.where(and_(*conditions)).order_by(
        QuestionVersion.chapter_number, func.coalesce(QuestionVersion.article_number, 0), Question.key)


@dataclass
class CoverageRow:
    chapter: int
    chapter_title: str
    article: int | None  # None: questions on the chapter as a whole
    title: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def coverage(session: Session, module: Module) -> list[CoverageRow]:
    """Active questions per chapter and article by type; every article of the module gets a row, so
    the ones without questions show as gaps."""
    counts: dict[tuple, dict[str, int]] = {}
    rows = session.execute(
        select(QuestionVersion.chapter_number, QuestionVersion.article_number, QuestionVersion.qtype, func.count())
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(Question.module_id == module.id, Question.status == "active")
        .group_by(QuestionVersion.chapter_number, QuestionVersion.article_number, QuestionVersion.qtype)
    )
    for chapter, article, qtype, count in rows:
        counts.setdefault((chapter, article), {})[qtype] = count
    result = []
    chapters = session.scalars(select(Chapter).where(Chapter.module_id == module.id).order_by(Chapter.number))
    for chapter in chapters:
        result.append(CoverageRow(chapter.number, chapter.title, None, "本章整体",
                                  counts.get((chapter.number, None), {})))
        articles = session.scalars(select(Article).where(Article.chapter_id == chapter.id, Article.number.is_not(None))
                                   .order_by(Article.position))
        for article in articles:
            result.append(CoverageRow(chapter.number, chapter.title, article.number, article.title,
                                      counts.get((chapter.number, article.number), {})))
    return result


def chapter_totals(rows: list[CoverageRow]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for row in rows:
        totals[row.chapter] = totals.get(row.chapter, 0) + row.total
    return totals
