"""load-content: add, update by checksum, keep ids and progress, reject bad files whole, respect browser edits."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studyapp.domain.problems import ValidationFailed
from studyapp.models import Article, Chapter, ChapterVersion, Module, StudyProgress
from tests.conftest import FIXED_NOW
from tests.fixtures_study import write_module


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_first_load_adds_module_chapters_articles_and_versions(db, content_dir, load):
    report = load(content_dir)
    assert len(report.added) == 3 and not report.updated
    module = db.session.scalar(select(Module).where(Module.slug == "test-mod"))
    assert module.title == "测试条例学习" and module.source == "file" and "专题介绍" in module.intro_html
    assert [c.number for c in module.chapters] == [1, 2]
    ch2 = module.chapters[1]
    assert [(a.number, a.anchor) for a in ch2.articles] == [(11, "art-11"), (23, "art-23")]
    assert all(a.module_id == module.id for a in ch2.articles)
    assert '<h2 id="art-11">' in ch2.body_html and 'href="#art-23"' in ch2.toc_html
    assert count(db, ChapterVersion) == 2


def test_second_load_changes_nothing_and_says_so(db, content_dir, load):
    load(content_dir)
    before = [(c.id, c.updated_at) for c in db.session.scalars(select(Chapter))]
    report = load(content_dir)
    assert not report.changed and len(report.unchanged) == 3
    assert "内容已是最新，没有更改。" in report.lines()
    db.session.expire_all()
    assert [(c.id, c.updated_at) for c in db.session.scalars(select(Chapter))] == before
    assert count(db, ChapterVersion) == 2


def test_reload_after_edit_updates_keeps_ids_and_progress(db, content_dir, load, member_a):
    load(content_dir)
    chapter = db.session.scalar(select(Chapter).where(Chapter.number == 2))
    art11 = {a.anchor: a.id for a in chapter.articles}["art-11"]
    db.session.add(StudyProgress(user_id=member_a.id, chapter_id=chapter.id, started_at=FIXED_NOW,
                                 completed_at=FIXED_NOW, seconds_spent=300))
    db.session.commit()
    path = content_dir / "test-mod" / "02-meetings.md"
    path.write_text(path.read_text(encoding="utf-8").replace("每季度召开1次", "每季度召开一次（已修订）")
                    + "\n## 第二十四条 新增\n\n新增的一条。\n", encoding="utf-8")

    report = load(content_dir)
    assert [item for item in report.updated if "02-meetings.md" in item] and not report.added
    db.session.expire_all()
    same = db.session.scalar(select(Chapter).where(Chapter.number == 2))
    assert same.id == chapter.id and "已修订" in same.body_html
    articles = {a.anchor: a for a in same.articles}
    assert articles["art-11"].id == art11 and "已修订" in articles["art-11"].plain_text
    assert "art-24" in articles
    progress = db.session.scalar(select(StudyProgress))
    assert progress.chapter_id == chapter.id and progress.seconds_spent == 300 and progress.completed_at
    versions = db.session.scalars(select(ChapterVersion.version_no).where(ChapterVersion.chapter_id == chapter.id))
    assert list(versions) == [1, 2]


def test_bad_files_report_every_problem_with_file_and_line_and_load_nothing(db, tmp_path, load):
    root = tmp_path / "content"
    write_module(root, "good-mod")  # a valid module alongside: it must not be loaded either
    write_module(root, "bad-mod", module_md="---\nsummary: 没有标题\ncolour: red\n---\n", chapters={
        "01-a.md": "---\nnumber: 1\ntitle: 第一章\n---\n\n## 第一条 甲\n\n文。\n",
        "02-dup.md": "---\nnumber: 1\ntitle: 重复章号\n---\n\n## 第一条 又是第一条\n\n文。\n",
        "03-notitle.md": "---\nnumber: 3\npublish_at: 明天\n---\n正文\n",
        "04-malformed.md": "---\nnumber 4\ntitle: 缺冒号\n",
        "05-nofront.md": "# 没有 front matter\n",
    })
    with pytest.raises(ValidationFailed) as caught:
        load(root)
    text = [str(p) for p in caught.value.problems]
    expected = [
        ("bad-mod/module.md", 1, "title"),
        ("bad-mod/module.md", 3, "colour"),
        ("bad-mod/02-dup.md", 2, "章号 1 重复"),
        ("bad-mod/02-dup.md", 6, "第1条重复"),
        ("bad-mod/03-notitle.md", 1, "title"),
        ("bad-mod/03-notitle.md", 3, "publish_at"),
        ("bad-mod/04-malformed.md", 2, "键: 值"),
        ("bad-mod/04-malformed.md", 3, "没有结束行"),
        ("bad-mod/05-nofront.md", 1, "---"),
    ]
    for file, line, words in expected:
        assert any(p.startswith(f"{file}，第{line}行") and words in p for p in text), (file, line, words, text)
    db.session.rollback()
    assert count(db, Module) == 0 and count(db, Chapter) == 0


def test_module_edited_in_browser_is_reported_and_left_intact(db, content_dir, load):
    load(content_dir)
    module = db.session.scalar(select(Module))
    module.edited_in_browser_at = FIXED_NOW
    chapter = module.chapters[0]
    chapter.body_md, chapter.body_html = "网页上改过", "<p>网页上改过</p>"
    db.session.commit()
    path = content_dir / "test-mod" / "01-general.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n文件里也改了。\n", encoding="utf-8")

    report = load(content_dir)
    assert report.conflicts and "test-mod" in report.conflicts[0] and not report.changed
    db.session.expire_all()
    assert db.session.get(Chapter, chapter.id).body_html == "<p>网页上改过</p>"
    assert "文件里也改了" in path.read_text(encoding="utf-8")


def test_real_content_folder_loads_all_eight_chapters_with_article_anchors(app, db, load):
    from pathlib import Path

    report = load(Path(app.config["CONTENT_DIR"]))
    assert not report.conflicts
    module = db.session.scalar(select(Module).where(Module.slug == "branch-regulations"))
    assert [c.number for c in module.chapters] == list(range(0, 9))  # 0: the overview section
    anchors = set(db.session.scalars(select(Article.anchor).where(Article.module_id == module.id)))
    assert {f"art-{n}" for n in range(1, 25)} <= anchors
    assert not load(Path(app.config["CONTENT_DIR"])).changed


def test_cli_reports_problems_with_file_and_line_and_exit_status(runner, tmp_path, db):
    root = tmp_path / "content"
    write_module(root, chapters={"01.md": "---\nnumber: 1\n---\n正文\n"})
    result = runner.invoke(args=["load-content", str(root)])
    assert result.exit_code == 1
    assert "未载入任何内容" in result.output and "test-mod/01.md，第1行：缺少必填的键 title" in result.output
    assert count(db, Module) == 0


def test_cli_loads_then_says_nothing_changed(runner, content_dir):
    first = runner.invoke(args=["load-content", str(content_dir)])
    assert first.exit_code == 0 and "新增 3" in first.output
    second = runner.invoke(args=["load-content", str(content_dir)])
    assert second.exit_code == 0 and "内容已是最新，没有更改。" in second.output
