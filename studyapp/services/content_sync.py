"""load-content: sync content/ into the database by checksum, all or nothing.

Every file of every module is validated first; any problem raises ValidationFailed with all of them
and nothing is written. Then each module is synced: new chapters added, changed ones re-rendered
(their article rows updated in place by anchor, so ids and members' progress stay), unchanged ones
left alone. A module edited in the browser is never overwritten: it is reported as a conflict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.content_files import ChapterSource, ModuleSource, read_chapter_file, read_module_file
from ..domain.problems import Collector, Problem, ValidationFailed
from ..domain.rendering import render_chapter, render_markdown
from ..models import Article, Chapter, ChapterVersion, Module

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MODULE_FILE = "module.md"


@dataclass(frozen=True)
class ModuleFolder:
    slug: str
    path: Path
    module: ModuleSource
    chapters: list[ChapterSource]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Whether any question bank added, edited or retired a question.
    banks_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.banks_changed)

    def lines(self) -> list[str]:
        out = [f"新增 {len(self.added)}，更新 {len(self.updated)}，未变 {len(self.unchanged)}，"
               f"冲突 {len(self.conflicts)}"]
        out += [f"  新增：{item}" for item in self.added]
        out += [f"  更新：{item}" for item in self.updated]
        out += [f"  冲突：{item}" for item in self.conflicts]
        out += [f"  {item}" for item in self.notes]
        if not self.changed and not self.conflicts:
            out.append("内容已是最新，没有更改。")
        return out


def read_content(root: Path, default_tz: tzinfo) -> list[ModuleFolder]:
    """Read and validate every module folder under root; raise ValidationFailed listing every problem."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise ValidationFailed([Problem(f"内容目录不存在：{root}")])
    folders = []
    for path in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        collector = Collector(f"{path.name}/")
        chapter_files = sorted(p for p in path.glob("*.md") if p.name != MODULE_FILE)
        if not (path / MODULE_FILE).is_file():
            if chapter_files:
                collector.add(f"缺少模块文件 {MODULE_FILE}")
            problems += collector.problems
            continue
        if not SLUG.match(path.name):
            collector.add("文件夹名即专题的网址名，只能用小写字母、数字和连字符")
        folder = _read_folder(path, chapter_files, default_tz, collector)
        problems += collector.problems
        if folder:
            folders.append(folder)
    if problems:
        raise ValidationFailed(problems)
    return folders


def _read_folder(path: Path, chapter_files: list[Path], default_tz: tzinfo, collector: Collector):
    module_problems = Collector(f"{path.name}/{MODULE_FILE}")
    module = read_module_file((path / MODULE_FILE).read_bytes(), module_problems)
    collector.problems += module_problems.problems
    chapters: list[ChapterSource] = []
    by_number: dict[int, ChapterSource] = {}
    articles: dict[int, tuple[str, int]] = {}
    for file in chapter_files:
        problems = Collector(f"{path.name}/{file.name}")
        chapter = read_chapter_file(file.read_bytes(), problems, default_tz)
        if chapter:
            first = by_number.get(chapter.number)
            if first:
                problems.add(f"章号 {chapter.number} 重复（{first.file} 已使用）", line=chapter.number_line)
            by_number.setdefault(chapter.number, chapter)
            for number, line in chapter.article_lines:
                if number in articles and articles[number][0] != chapter.file:
                    other, other_line = articles[number]
                    problems.add(f"第{number}条重复（{other} 第{other_line}行已有）", line=line)
                articles.setdefault(number, (chapter.file, line))
            chapters.append(chapter)
        collector.problems += problems.problems
    if module is None:
        return None
    return ModuleFolder(path.name, path, module, sorted(chapters, key=lambda c: c.number))


def sync_content(session: Session, root: Path, now: datetime, default_tz: tzinfo) -> SyncReport:
    """Validate everything under root, then bring the database in line with it (flushes, never commits)."""
    folders = read_content(root, default_tz)
    report = SyncReport()
    bank_problems: list[Problem] = []
    for folder in folders:
        module = session.scalar(select(Module).where(Module.slug == folder.slug))
        if module is not None and (module.source != "file" or module.edited_in_browser_at is not None):
            when = module.edited_in_browser_at
            reason = f"已于 {when:%Y-%m-%d %H:%M} (UTC) 在网页上修改过" if when else "是在网页上创建的同名专题"
            report.conflicts.append(f"专题 {folder.slug} {reason}，文件未载入；两边内容均保持不变")
        else:
            module = _sync_module(session, folder, report)
            for chapter in folder.chapters:
                _sync_chapter(session, module, chapter, now, report)
            _note_missing(module, folder, report)
        try:
            _sync_question_banks(session, module, folder, now, report)
        except ValidationFailed as failed:  # keep going, so every module's bank problems are reported at once
            bank_problems += failed.problems
    if bank_problems:
        raise ValidationFailed(bank_problems)
    session.flush()
    return report


def _sync_module(session: Session, folder: ModuleFolder, report: SyncReport) -> Module:
    source = folder.module
    module = session.scalar(select(Module).where(Module.slug == folder.slug))
    if module is not None and module.source_checksum == source.checksum:
        report.unchanged.append(f"专题 {folder.slug}")
        return module
    if module is None:
        module = Module(slug=folder.slug, source="file", status="published")
        session.add(module)
        report.added.append(f"专题 {folder.slug}（{source.title}）")
    else:
        report.updated.append(f"专题 {folder.slug}（{source.title}）")
    module.title, module.summary, module.order = source.title, source.summary, source.order
    module.audience, module.intro_md = source.audience, source.intro_md
    module.intro_html = render_markdown(source.intro_md)
    module.source_checksum = source.checksum
    session.flush()
    return module


def _sync_chapter(session: Session, module: Module, source: ChapterSource, now: datetime, report: SyncReport):
    chapter = session.scalar(select(Chapter).where(Chapter.module_id == module.id, Chapter.number == source.number))
    label = f"{source.file}（{source.title}）"
    if chapter is not None and chapter.checksum == source.checksum:
        report.unchanged.append(label)
        return
    if chapter is None:
        chapter = Chapter(module_id=module.id, number=source.number)
        session.add(chapter)
        report.added.append(label)
    else:
        report.updated.append(label)
    rendered = render_chapter(source.body_md)
    chapter.title, chapter.body_md, chapter.publish_at = source.title, source.body_md, source.publish_at
    chapter.body_html, chapter.toc_html, chapter.checksum = rendered.html, rendered.toc_html, source.checksum
    session.flush()
    sync_articles(session, chapter, rendered.articles)
    last = session.scalar(select(func.max(ChapterVersion.version_no)).where(ChapterVersion.chapter_id == chapter.id))
    session.add(ChapterVersion(chapter_id=chapter.id, version_no=(last or 0) + 1, title=chapter.title,
                               body_md=chapter.body_md, created_at=now))


def sync_articles(session: Session, chapter: Chapter, sections) -> None:
    """Make the chapter's Article rows match its sections, keeping each row whose anchor is unchanged."""
    existing = {article.anchor: article for article in session.scalars(
        select(Article).where(Article.chapter_id == chapter.id))}
    wanted = {section.anchor for section in sections}
    for anchor, article in existing.items():
        if anchor not in wanted:
            session.delete(article)
    session.flush()
    for section in sections:
        article = existing.get(section.anchor) or Article(chapter_id=chapter.id, anchor=section.anchor)
        article.module_id = chapter.module_id
        article.number, article.position, article.plain_text = section.number, section.position, section.plain_text
        article.title = section.title or chapter.title  # the intro section is titled by its chapter
        session.add(article)
    session.flush()


def _note_missing(module: Module, folder: ModuleFolder, report: SyncReport) -> None:
    present = {chapter.number for chapter in folder.chapters}
    for chapter in module.chapters:
        if chapter.number not in present and chapter.checksum is not None:
            report.notes.append(f"提示：{folder.slug} 第{chapter.number}章已不在文件中，数据库中保留未删（学习记录不丢失）")


def _sync_question_banks(session: Session, module: Module, folder: ModuleFolder, now: datetime,
                         report: SyncReport) -> None:
    # >>> Question banks: questions/*.txt of the module folder, parsed and synced by bank_sync
    # (written by the question-bank work); it validates its own files and raises ValidationFailed.
    bank_dir = folder.path / "questions"
    if not bank_dir.is_dir():
        return
    from .bank_sync import sync_banks

    bank_report = sync_banks(session, module, bank_dir, now)
    report.notes.append(f"题库 {folder.slug}：{bank_report}")
    counts = ("added", "edited", "versioned", "retired", "restored")
    report.banks_changed |= any(getattr(bank_report, name, 0) for name in counts)
    # <<< Question banks
