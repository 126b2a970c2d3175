"""Markdown to sanitized HTML, once, when content is loaded or saved; pages serve the stored result.

Notes meant for authors sit in fenced blocks that members never see (see `author_blocks`):
`::: 编者注` … `:::` is shown only in the organizer's preview; `::: 待核对` … `:::` marks an article whose
number or wording is not yet checked against the official text: members get one plain line
("本条条号待与原文核对", or the text after the marker) per article, organizers also the note inside.

Chapter headings get stable ids: an article heading `## 第十一条 党员大会` becomes `art-11` whatever
follows the number; other headings keep their Chinese text (Unicode slug), and sub-headings inside an
article are prefixed with it (`art-11-要点`), so repeated sub-headings such as "要点" stay unique and
stable when other articles are added or removed.
"""
from __future__ import annotations

import html

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .numerals import parse_chinese_number

#: `第十一条`, `第 11 条`, optionally followed by the article's name.
ARTICLE_HEADING = re.compile(r"^\s*第\s*([零〇一二两三四五六七八九十百千]+|\d+)\s*条")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "div": {"class"},
    "sup": {"id"},
    "li": {"id"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    **{tag: {"id"} for tag in HEADINGS},
}
URL_SCHEMES = {"http", "https", "mailto"}
#: The only classes content keeps: those the Markdown extensions emit (footnotes, table of contents)
#: and the boxes author notes become (plain styling, see VERIFY_CLASS). Anything else could pull in the site's own styles (Bootstrap's `position-fixed w-100 h-100
#: stretched-link` draws a full-screen fake page), so it is dropped.
ALLOWED_CLASSES = {"footnote", "footnote-ref", "footnote-backref", "toc", "verify-note", "author-note"}
#: Ids the renderer makes: article anchors (art-11, art-11-要点), footnotes (fn:1, fnref:1). Chinese
#: slugs cannot name an element of the site's pages either (their ids are ASCII); any other id gets
#: this prefix, in fragment links too, so that content never takes over an id of the page around it.
OWN_ID = re.compile(r"art-\d+(-.*)?|fn(ref)?:[\w.:-]+|.*[^\x00-\x7f].*", re.DOTALL)
ID_PREFIX = "md-"


def _content_id(value: str) -> str:
    return value if OWN_ID.fullmatch(value) or value.startswith(ID_PREFIX) else ID_PREFIX + value


def _attribute_filter(_tag: str, attribute: str, value: str) -> str | None:
    """Keep only documented classes; keep ids out of the page's own name space."""
    if attribute == "class":
        kept = [name for name in value.split() if name in ALLOWED_CLASSES]
        return " ".join(kept) or None
    if attribute == "id":
        return _content_id(value)
    if attribute == "href" and value.startswith("#") and len(value) > 1:
        return "#" + _content_id(value[1:])
    return value

#: `::: 编者注` or `::: 待核对 [line members see]` opens a block for authors; a line `:::` closes it.
NOTE_OPEN = re.compile(r"^:::\s*(编者注|待核对)\s*(.*?)\s*$")
NOTE_CLOSE = re.compile(r"^:::\s*$")
SECTION_START = re.compile(r"^#{1,2}\s")
UNVERIFIED_LINE = "本条条号待与原文核对"
#: Classes of what author blocks become; search text leaves both out.
VERIFY_CLASS, AUTHOR_NOTE_CLASS = "verify-note", "author-note"


def article_number(heading: str) -> int | None:
    """The article number a heading starts with (`第二十三条 …` → 23), or None."""
    match = ARTICLE_HEADING.match(heading)
    if not match:
        return None
    token = match.group(1)
    return int(token) if token.isdigit() else parse_chinese_number(token)


def sanitize(html: str) -> str:
    """Keep only what Markdown produces; drop scripts, styles, event handlers and javascript: URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "footnotes", "sane_lists", "toc", "md_in_html", _HeadingIds()],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"toc_depth": "2", "slugify": slugify_unicode},
            "footnotes": {"BACKLINK_TITLE": "返回正文第 %d 处", "SUPERSCRIPT_TEXT": "{}"},
        },
        output_format="html",
    )


def plain_text(html_text: str) -> str:
    """Rendered HTML as one line of plain text (for spreadsheets): tags dropped, entities decoded."""
    return " ".join(html.unescape(nh3.clean(html_text, tags=set())).split())


def render_markdown(md: str, for_authors: bool = False) -> str:
    """Sanitized HTML for short texts: question stems, explanations, lead-study notes, module intros."""
    return sanitize(_markdown().convert(author_blocks(md or "", for_authors)))


def unclosed_author_blocks(md: str) -> list[int]:
    """1-based lines of `::: 编者注` / `::: 待核对` openers with no closing `:::` after them."""
    open_at = None
    for number, line in enumerate(md.split("\n"), 1):
        if open_at is None and NOTE_OPEN.match(line):
            open_at = number
        elif open_at is not None and NOTE_CLOSE.match(line):
            open_at = None
    return [open_at] if open_at is not None else []


def author_blocks(md: str, for_authors: bool) -> str:
    """Resolve author blocks: dropped for members (a 待核对 block leaves its one line, once per article),
    boxed for the organizer's preview."""
    out: list[str] = []
    lines = md.split("\n")
    index, flagged_section = 0, False
    while index < len(lines):
        line = lines[index]
        opened = NOTE_OPEN.match(line)
        if SECTION_START.match(line):
            flagged_section = False
        if not opened:
            out.append(line)
            index += 1
            continue
        end = next((n for n in range(index + 1, len(lines)) if NOTE_CLOSE.match(lines[n])), None)
        if end is None:  # never closed: shown as text rather than hiding the rest of the chapter
            out.append(line)
            index += 1
            continue
        kind, member_line = opened.group(1), opened.group(2) or UNVERIFIED_LINE
        body = lines[index + 1:end]
        index = end + 1
        out.append("")
        if kind == "待核对" and not flagged_section:
            out += [f'<div class="{VERIFY_CLASS}">{html.escape(member_line)}</div>', ""]
            flagged_section = True
        if for_authors:
            label = "编者注（仅组织者预览可见）" if kind == "编者注" else "待核对说明（仅组织者预览可见）"
            out += [f'<div class="{AUTHOR_NOTE_CLASS}" markdown="1">', "", f"**{label}**", "", *body, "", "</div>", ""]
    return "\n".join(out)


@dataclass(frozen=True)
class ArticleSection:
    """A level-2 section of a chapter: an article (number set) or another section."""

    number: int | None
    title: str
    anchor: str
    position: int
    plain_text: str


@dataclass(frozen=True)
class RenderedChapter:
    html: str
    toc_html: str
    articles: list[ArticleSection] = field(default_factory=list)


#: Anchor of the text before the first level-2 heading (the chapter page puts it on its title).
INTRO_ANCHOR = "top"


def render_chapter(md: str, for_authors: bool = False) -> RenderedChapter:
    """Render a chapter once: sanitized body, table of contents, and its sections for search and links.

    Members' HTML (the default, what is stored) has no notes for authors; `for_authors` is the preview."""
    converter = _markdown()
    html = sanitize(converter.convert(author_blocks(md or "", for_authors)))
    toc_html = sanitize(converter.toc) if getattr(converter, "toc_tokens", None) else ""
    return RenderedChapter(html=html, toc_html=toc_html, articles=split_sections(html))


# ---- heading ids ----------------------------------------------------------------------------


class _HeadingIdProcessor(Treeprocessor):
    """Assign ids before the toc extension runs (it keeps existing ids)."""

    def run(self, root: etree.Element) -> None:
        used: set[str] = set()
        article = None
        for el in root.iter():
            if not isinstance(el.tag, str) or el.tag not in HEADINGS:
                continue
            text = "".join(el.itertext()).strip()
            number = article_number(text)
            if el.tag in ("h1", "h2"):
                article = f"art-{number}" if number is not None else None
                base = article or slugify_unicode(text, "-") or "section"
            else:
                slug = slugify_unicode(text, "-") or "section"
                base = f"{article}-{slug}" if article else slug
            anchor, n = base, 2
            while anchor in used:
                anchor, n = f"{base}-{n}", n + 1
            used.add(anchor)
            el.set("id", anchor)


class _HeadingIds(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        # After inline processing (20) so heading text is final; before toc (5) so toc keeps our ids.
        md.treeprocessors.register(_HeadingIdProcessor(md), "studyapp_heading_ids", 6)


# ---- sections as plain text ---------------------------------------------------------------------

BLOCK_TAGS = {"p", "li", "tr", "td", "th", "h3", "h4", "h5", "h6", "blockquote", "pre", "br", "dd", "dt", "div"}


class _SectionSplitter(HTMLParser):
    """Split sanitized chapter HTML at <h2> headings into (title, anchor, text), skipping footnotes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = [{"title": "", "anchor": INTRO_ANCHOR, "text": []}]
        self.in_h2 = False
        self.skip_depth = 0  # >0 inside <div class="footnote"> or a note line/box: not search text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skip_depth:
            if tag == "div":
                self.skip_depth += 1
            return
        if tag == "div" and {"footnote", VERIFY_CLASS, AUTHOR_NOTE_CLASS} & set((attrs.get("class") or "").split()):
            self.skip_depth = 1
        elif tag == "h2":
            self.in_h2 = True
            self.sections.append({"title": "", "anchor": attrs.get("id") or "", "text": []})
        elif tag in BLOCK_TAGS:
            self.sections[-1]["text"].append("\n")

    def handle_endtag(self, tag):
        if self.skip_depth:
            if tag == "div":
                self.skip_depth -= 1
            return
        if tag == "h2":
            self.in_h2 = False

    def handle_data(self, data):
        if self.skip_depth:
            return
        current = self.sections[-1]
        if self.in_h2:
            current["title"] += data
        else:
            current["text"].append(data)


def _plain(parts: list[str]) -> str:
    text = "".join(parts)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def split_sections(html: str) -> list[ArticleSection]:
    """The level-2 sections of rendered chapter HTML; text before the first one is the intro section."""
    parser = _SectionSplitter()
    parser.feed(html)
    parser.close()
    result = []
    for raw in parser.sections:
        title = re.sub(r"\s+", " ", raw["title"]).strip()
        text = _plain(raw["text"])
        if raw["anchor"] == INTRO_ANCHOR and not text:
            continue
        result.append(ArticleSection(article_number(title), title[:200], raw["anchor"], len(result), text))
    return result
