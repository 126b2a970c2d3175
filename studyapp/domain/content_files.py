"""Module and chapter files (content/README.md) read into plain values, every problem with its line."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .frontmatter import CHAPTER_KEYS, MODULE_KEYS, check_keys, parse_front_matter, read_datetime, read_int
from .problems import Collector
from .rendering import article_number, unclosed_author_blocks

H2 = re.compile(r"^##(?!#)\s*(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


#: Chapter number of a module's overview section (facts about the document as a whole, before chapter 1).
OVERVIEW_CHAPTER = 0


def chapter_label(number: int, title: str = "") -> str:
    """"第一章 总则" as written, "第3章 标题" when the title lacks its number; the overview by its title alone."""
    if number == OVERVIEW_CHAPTER:
        return title or "概况"
    return title if title.startswith("第") else f"第{number}章 {title}".strip()


def source_label(chapter: int | None, article: int | None = None) -> str:
    """Where a question comes from, as a short reference: "第4章 第11条", "第4章", "概况 第3条"."""
    parts = []
    if chapter is not None:
        parts.append("概况" if chapter == OVERVIEW_CHAPTER else f"第{chapter}章")
    if article:
        parts.append(f"第{article}条")
    return " ".join(parts)


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ModuleSource:
    title: str
    summary: str
    order: int
    audience: str
    intro_md: str
    checksum: str


@dataclass(frozen=True)
class ChapterSource:
    file: str
    number: int
    number_line: int
    title: str
    publish_at: datetime | None
    body_md: str
    checksum: str
    #: (article number, line) of each article heading, for duplicate checks across a module.
    article_lines: tuple[tuple[int, int], ...]


def read_module_file(data: bytes, problems: Collector) -> ModuleSource | None:
    text = _decode(data, problems)
    front = parse_front_matter(text, problems) if text is not None else None
    if front is None:
        return None
    before = len(problems.problems)
    check_keys(front, MODULE_KEYS, problems)
    order = read_int(front, "order", problems, default=0)
    if len(problems.problems) > before:
        return None
    return ModuleSource(front.values["title"], front.values["summary"], order or 0,
                        front.values.get("audience", ""), front.body.strip(), checksum(data))


def read_chapter_file(data: bytes, problems: Collector, default_tz: tzinfo) -> ChapterSource | None:
    text = _decode(data, problems)
    front = parse_front_matter(text, problems) if text is not None else None
    if front is None:
        return None
    before = len(problems.problems)
    check_keys(front, CHAPTER_KEYS, problems)
    number = read_int(front, "number", problems, minimum=0)
    publish_at = read_datetime(front, "publish_at", problems, default_tz)
    articles = article_headings(front.body, front.body_line, problems)
    for line in unclosed_author_blocks(front.body):
        problems.add("“:::”开始的编者注或待核对块没有以单独一行“:::”结束", line=front.body_line + line - 1)
    if len(problems.problems) > before or number is None:
        return None
    return ChapterSource(problems.file or "", number, front.lines["number"], front.values["title"], publish_at,
                         front.body, checksum(data), articles)


def article_headings(body: str, first_line: int, problems: Collector) -> tuple[tuple[int, int], ...]:
    """Article numbers of the level-2 headings, with their lines; a number twice in one file is an error."""
    found: list[tuple[int, int]] = []
    seen: dict[int, int] = {}
    fenced = False
    for offset, line in enumerate(body.splitlines()):
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else H2.match(line)
        number = article_number(match.group(1)) if match else None
        if number is None:
            continue
        line_no = first_line + offset
        if number in seen:
            problems.add(f"第{number}条在本文件中重复（第一次在第{seen[number]}行）", line=line_no)
            continue
        seen[number] = line_no
        found.append((number, line_no))
    return tuple(found)


def _decode(data: bytes, problems: Collector) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add("文件不是 UTF-8 编码", line=line)
        return None
