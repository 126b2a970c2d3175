"""Study modules, their chapters, and the articles (sections) inside chapters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Module(db.Model):
    """A study module (学习专题), e.g. the Branch Work Regulations, made of chapters."""

    __tablename__ = "modules"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("source IN ('file', 'web')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL name; for file modules the folder name under content/.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Introduction shown on the module page (the body of module.md), as written and as rendered.
    intro_md: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    #: Position in the module list, smaller first.
    order: Mapped[int] = mapped_column(default=0)
    #: Who it is meant for, free text such as "全体党员".
    audience: Mapped[str] = mapped_column(String(100), default="")
    #: Members see only published modules.
    status: Mapped[str] = mapped_column(String(20), default="published")
    #: "file" when loaded from content/, "web" when created in the browser.
    source: Mapped[str] = mapped_column(String(10), default="file")
    #: Checksum of the module file as last loaded (file modules), to detect changes.
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    #: Set when someone edits a file module in the browser; load-content then reports a conflict.
    edited_in_browser_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Organization that owns a browser-made module; None for installation-wide file modules.
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="module", order_by="Chapter.number", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Module {self.id} {self.slug!r}>"


class Chapter(db.Model):
    """One chapter (or topic instalment) of a module, with its Markdown and the HTML rendered from it."""

    __tablename__ = "chapters"
    __table_args__ = (UniqueConstraint("module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    #: Chapter number within the module, 1-based.
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    #: The Markdown source as written.
    body_md: Mapped[str] = mapped_column(Text, default="")
    #: Sanitized HTML rendered once when loaded or saved; pages serve this, never re-render.
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: Sanitized table-of-contents HTML rendered with the body.
    toc_html: Mapped[str] = mapped_column(Text, default="")
    #: SHA-256 of the source file (file chapters) to skip unchanged ones on reload.
    checksum: Mapped[str | None] = mapped_column(String(64))
    #: Members see the chapter only from this moment (series released in instalments); None = at once.
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A secretary's lead-study note (领学导读) shown above the chapter, as written and as rendered.
    lead_note_md: Mapped[str] = mapped_column(Text, default="")
    lead_note_html: Mapped[str] = mapped_column(Text, default="")
    #: Signature under the note, e.g. "第一党支部书记 张三"; shown with lead_note_at.
    lead_note_author: Mapped[str] = mapped_column(String(100), default="")
    #: When the note was last saved (None: no note).
    lead_note_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    module: Mapped[Module] = relationship(back_populates="chapters")
    articles: Mapped[list[Article]] = relationship(
        back_populates="chapter", order_by="Article.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Chapter {self.id} module={self.module_id} no={self.number}>"


class Article(db.Model):
    """A level-2 section of a chapter; numbered sections are articles (第十一条 → number 11, #art-11)."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("chapter_id", "anchor"),
        Index("ix_articles_module_number", "module_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"), index=True)
    #: Denormalized from the chapter so "article 11 of module X" is one lookup.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    #: Article number of the Regulations, or None for an unnumbered section.
    number: Mapped[int | None]
    #: Heading text, e.g. "第十一条 党员大会".
    title: Mapped[str] = mapped_column(String(200))
    #: HTML id within the chapter page: "art-11" for articles, the heading text otherwise.
    anchor: Mapped[str] = mapped_column(String(200))
    #: Order within the chapter.
    position: Mapped[int] = mapped_column(default=0)
    #: The section as plain text, for search and snippets.
    plain_text: Mapped[str] = mapped_column(Text, default="")

    chapter: Mapped[Chapter] = relationship(back_populates="articles")

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.anchor!r}>"


class ModuleAudience(db.Model):
    """A unit a module is published to; a module with no rows is published to everyone."""

    __tablename__ = "module_audiences"

    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True)
    #: The unit (branch or organization, with everything below it) that may read the module.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self) -> str:
        return f"<ModuleAudience module={self.module_id} unit={self.unit_id}>"


class ChapterVersion(db.Model):
    """Every saved version of a chapter, restorable; version 1 is the first load or save."""

    __tablename__ = "chapter_versions"
    __table_args__ = (UniqueConstraint("chapter_id", "version_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"), index=True)
    version_no: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    #: Who saved it; None for versions loaded from files.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ChapterVersion chapter={self.chapter_id} v{self.version_no}>"
