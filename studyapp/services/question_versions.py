"""Writing question versions: a draft becomes a version, edited in place only while nobody has seen it.

A version is "in use" once any row of any table points at it (exam papers, practice answers, ...):
the referencing tables are found in the SQLAlchemy metadata, so a new feature that records which
version it showed is covered without touching this module.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import MetaData, exists, select
from sqlalchemy.orm import Session

from ..domain.problems import Collector
from ..domain.questions import Located, QuestionDraft, content_checksum
from ..domain.rendering import render_markdown
from ..extensions import db
from ..models import Article, Chapter, Module, Question, QuestionVersion

#: Metadata searched for tables referencing question_versions.id (tests may add their own).
REFERENCE_METADATA: Sequence[MetaData] = (db.metadata,)
#: The one reference that does not mean "shown to someone": the question's pointer to its current version.
NOT_A_USE = {("questions", "current_version_id")}


def referencing_columns(metadatas: Iterable[MetaData] | None = None) -> list:
    """Every column (outside NOT_A_USE) with a foreign key to question_versions.id."""
    columns = []
    for metadata in metadatas or REFERENCE_METADATA:
        for table in metadata.tables.values():
            for fk in table.foreign_keys:
                if fk.target_fullname == "question_versions.id" and (table.name, fk.parent.name) not in NOT_A_USE:
                    columns.append(fk.parent)
    return columns


def version_in_use(session: Session, version_id: int) -> bool:
    """True once an attempt, a practice answer or any other record refers to the version."""
    return any(session.scalar(select(exists().where(column == version_id))) for column in referencing_columns())


def draft_of(question: Question, version: QuestionVersion) -> QuestionDraft:
    """The draft a stored version says, for comparison, editing and export."""
    return QuestionDraft(
        key=question.key, qtype=version.qtype, stem_md=version.stem_md,
        options=[(option["key"], option["text"]) for option in version.options or []],
        answer=version.answer, explanation_md=version.explanation_md, difficulty=version.difficulty,
        chapter_number=version.chapter_number, article_number=version.article_number, tags=list(version.tags or []),
    )


def fill_version(version: QuestionVersion, draft: QuestionDraft) -> QuestionVersion:
    """Copy the draft onto the version, rendering the Markdown once."""
    version.qtype = draft.qtype
    version.stem_md, version.stem_html = draft.stem_md, render_markdown(draft.stem_md)
    version.options = [{"key": key, "text": text} for key, text in draft.options]
    version.answer = draft.answer
    version.explanation_md = draft.explanation_md
    version.explanation_html = render_markdown(draft.explanation_md)
    version.difficulty = draft.difficulty
    version.chapter_number, version.article_number = draft.chapter_number, draft.article_number
    version.tags = list(draft.tags)
    version.checksum = content_checksum(draft)
    return version


def create_question(session: Session, module: Module, key: str, draft: QuestionDraft, source: str,
                    now: datetime) -> Question:
    question = Question(module_id=module.id, key=key, status="active", source=source, created_at=now, updated_at=now)
    session.add(question)
    session.flush()
    version = fill_version(QuestionVersion(question_id=question.id, version_no=1, created_at=now), draft)
    session.add(version)
    session.flush()
    question.current = version
    return question


def save_draft(session: Session, question: Question, draft: QuestionDraft, now: datetime) -> str:
    """Make the question say the draft: "unchanged", "edited" (in place) or "versioned" (a new version)."""
    current = question.current
    if current is not None and draft_of(question, current) == draft:
        return "unchanged"
    question.updated_at = now
    if current is not None and not version_in_use(session, current.id):
        fill_version(current, draft)
        return "edited"
    number = max((v.version_no for v in question.versions), default=0) + 1
    version = fill_version(QuestionVersion(question_id=question.id, version_no=number, created_at=now), draft)
    session.add(version)
    session.flush()
    question.current = version
    session.expire(question, ["versions"])
    return "versioned"


def check_references(session: Session, module: Module, items: list[Located], problems: Collector) -> None:
    """Each question's chapter must exist in the module, and its article belong to that chapter."""
    chapters = set(session.scalars(select(Chapter.number).where(Chapter.module_id == module.id)))
    articles = dict(session.execute(
        select(Article.number, Chapter.number).join(Chapter, Article.chapter_id == Chapter.id)
        .where(Article.module_id == module.id, Article.number.is_not(None))
    ).all())
    for located in items:
        chapter, article = located.draft.chapter_number, located.draft.article_number
        if chapter is not None and chapter not in chapters:
            located.report(problems, "章", f"专题“{module.title}”没有第{chapter}章")
        elif article is not None and article not in articles:
            located.report(problems, "条", f"专题“{module.title}”中没有第{article}条")
        elif article is not None and chapter is not None and articles[article] != chapter:
            located.report(problems, "条", f"第{article}条在第{articles[article]}章，不在第{chapter}章")
