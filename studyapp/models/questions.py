"""Questions and their immutable versions.

A question is a stable identity (its key, e.g. "q-ch4-012", within a module); what it says lives in
versions. A version that an attempt or practice has shown is never changed again: editing it makes a
new version, so past attempts keep showing and scoring exactly what the member saw.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

QUESTION_TYPES = ("single", "multiple", "true_false", "fill_blank")
TYPE_LABELS = {"single": "单选", "multiple": "多选", "true_false": "判断", "fill_blank": "填空"}
#: The one way difficulty 1/2/3 is shown on every page and form.
DIFFICULTY_LABELS = {1: "易", 2: "中", 3: "难"}


class Question(db.Model):
    """The identity of a question in a module's bank."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("module_id", "key"),
        CheckConstraint("status IN ('active', 'retired')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The module (study subject) whose bank holds the question.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    #: Stable id within the module: from the bank file, or generated for web-made questions.
    key: Mapped[str] = mapped_column(String(80))
    #: Retired questions are never drawn again but keep all history.
    status: Mapped[str] = mapped_column(String(20), default="active")
    #: "file", "web" or "import": where the question came from.
    source: Mapped[str] = mapped_column(String(10), default="file")
    #: The version new papers and practice use.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_versions.id", use_alter=True, name="fk_questions_current_version")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    current: Mapped[QuestionVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)
    versions: Mapped[list[QuestionVersion]] = relationship(
        foreign_keys="QuestionVersion.question_id", back_populates="question", order_by="QuestionVersion.version_no"
    )

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.key!r} {self.status}>"


class QuestionVersion(db.Model):
    """One immutable wording of a question: type, stem, options, key, explanation, reference."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "version_no"),
        CheckConstraint("qtype IN ('single', 'multiple', 'true_false', 'fill_blank')", name="qtype"),
        CheckConstraint("difficulty BETWEEN 1 AND 3", name="difficulty"),
        Index("ix_question_versions_ref", "chapter_number", "article_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    #: 1, 2, ... in order of creation.
    version_no: Mapped[int] = mapped_column(default=1)
    #: One of QUESTION_TYPES; the grader is chosen by it.
    qtype: Mapped[str] = mapped_column(String(20))
    #: The question as written (Markdown) and as shown (sanitized HTML, rendered once).
    stem_md: Mapped[str] = mapped_column(Text)
    stem_html: Mapped[str] = mapped_column(Text)
    #: Choice options in order: [{"key": "A", "text": "..."}]; empty for true/false and fill-in.
    options: Mapped[list] = mapped_column(JSON, default=list)
    #: The key. single: "B"; multiple: ["A", "C"]; true_false: true/false; fill_blank: [["50", "五十"], ...]
    #: (one list of accepted answers per blank). Never sent to a browser before review allows.
    answer: Mapped[object] = mapped_column(JSON)
    #: Explanation (解析) as written and as shown.
    explanation_md: Mapped[str] = mapped_column(Text, default="")
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    #: 1 easy, 2 medium, 3 hard.
    difficulty: Mapped[int] = mapped_column(default=2)
    #: Chapter of the module the question tests.
    chapter_number: Mapped[int]
    #: Article of the Regulations it tests (links to #art-N), or None for a whole-chapter question.
    article_number: Mapped[int | None]
    #: Free tags, e.g. ["数字", "易混淆"].
    tags: Mapped[list] = mapped_column(JSON, default=list)
    #: Hash of the content fields, to detect duplicates and unchanged reloads.
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship(foreign_keys=[question_id], back_populates="versions")

    def __repr__(self) -> str:
        return f"<QuestionVersion {self.id} q={self.question_id} v{self.version_no} {self.qtype}>"
