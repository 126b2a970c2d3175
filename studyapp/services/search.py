"""Chinese substring search over the plain text of visible articles (sections).

Design: LIKE '%q%' over Article.plain_text and Article.title (stored once at load time). It needs no
tokenizer, so one- and two-character Chinese queries work, and it behaves the same on SQLite and
PostgreSQL. It scans every article row: fine for the scale here (a few modules, hundreds of articles,
well under 1 MB of text: a few milliseconds). Beyond tens of thousands of articles, add SQLite FTS5
(trigram) / PostgreSQL pg_trgm GIN indexes behind this same function.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from ..domain.snippets import like_pattern, number_bounded, query_pattern, snippet
from ..models import Article, Chapter, Module, User
from .study import visible_condition

MAX_QUERY = 50


@dataclass(frozen=True)
class Hit:
    module_slug: str
    module_title: str
    chapter_number: int
    chapter_title: str
    title: str
    anchor: str
    snippet_html: str  # escaped text with the matches in <mark>


@dataclass(frozen=True)
class SearchPage:
    """One page of hits, shaped for the pager macro."""

    items: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def clean_query(raw: str | None) -> str:
    """The query as searched: whitespace collapsed, at most MAX_QUERY characters, no NUL (which no stored
    text holds and PostgreSQL cannot even compare)."""
    return " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY]


def search_articles(session: Session, user: User, query: str, now: datetime, page: int = 1,
                    per_page: int = 10) -> SearchPage:
    """Articles the user may read that contain `query`, title matches first, then in reading order."""
    query = clean_query(query)
    if not query:
        return SearchPage([], 0, 1, per_page)
    pattern = like_pattern(query)
    in_title = Article.title.ilike(pattern, escape="\\")
    matches = or_(in_title, Article.plain_text.ilike(pattern, escape="\\"))
    base = (select(Article, Chapter, Module).join(Chapter, Article.chapter_id == Chapter.id)
            .join(Module, Chapter.module_id == Module.id)
            .where(matches, visible_condition(session, user, now)))
    if number_bounded(query):
        # LIKE cannot say "not inside a longer number": narrow its candidates with the same rule the
        # snippet highlights by ("8人" is not found in "18人").
        exact = query_pattern(query)
        found = session.execute(base.with_only_columns(Article.id, Article.title, Article.plain_text)).all()
        titled = [i for i, title, _ in found if exact.search(title or "")]
        keep = titled + [i for i, title, body in found if i not in titled and exact.search(body or "")]
        base = base.where(Article.id.in_(keep or [-1]))
        in_title = Article.id.in_(titled or [-1])
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = max(1, min(page, max(1, ceil(total / per_page))))
    rows = session.execute(
        base.order_by(case((in_title, 0), else_=1), Module.order, Module.id, Chapter.number, Article.position)
        .limit(per_page).offset((page - 1) * per_page)).all()
    items = [Hit(module.slug, module.title, chapter.number, chapter.title, article.title, article.anchor,
                 snippet(article.plain_text, query)) for article, chapter, module in rows]
    return SearchPage(items, total, page, per_page)
