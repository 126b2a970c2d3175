"""Member study pages: module list with progress, chapter page, marking studied, reading time."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.models import Chapter, StudyProgress
from studyapp.services.study import MAX_SECONDS_PER_REPORT


@pytest.fixture
def loaded(content_dir, load):
    return load(content_dir)


def test_module_list_shows_progress(client, auth, member_a, loaded, db):
    auth.login(member_a)
    page = client.get("/study/").get_data(as_text=True)
    assert "测试条例学习" in page and "已学 0/2 章" in page
    client.post("/study/test-mod/1/done")
    assert "已学 1/2 章" in client.get("/study/").get_data(as_text=True)


def test_chapter_page_has_toc_anchors_navigation_and_font_control(client, auth, member_a, loaded):
    auth.login(member_a)
    response = client.get("/study/test-mod/2")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="art-11">第十一条 党员大会</h2>' in page
    assert 'href="#art-23"' in page  # table of contents
    assert 'href="/study/test-mod/1"' in page and "上一章" in page and "下一章" not in page
    assert 'aria-label="A+ 放大字号"' in page and 'aria-label="A- 缩小字号"' in page  # the name holds the visible text
    assert 'name="csrf-token"' in page and "js/study.js" in page
    assert "学习完成" in page


def test_lead_note_is_shown_above_the_chapter(client, auth, member_a, loaded, db):
    chapter = db.session.scalar(select(Chapter).where(Chapter.number == 1))
    chapter.lead_note_html = "<p>请大家重点理解第二条。</p>"
    db.session.commit()
    auth.login(member_a)
    page = client.get("/study/test-mod/1").get_data(as_text=True)
    assert "领学导读" in page and "请大家重点理解第二条。" in page


def test_mark_studied_records_completion_once(client, auth, member_a, loaded, db):
    auth.login(member_a)
    response = client.post("/study/test-mod/1/done", follow_redirects=True)
    assert "已于" in response.get_data(as_text=True) and "学习完成" in response.get_data(as_text=True)
    db.session.rollback()  # end the test session's read snapshot, see the requests' commits
    first = db.session.scalar(select(StudyProgress)).completed_at
    client.post("/study/test-mod/1/done")
    db.session.rollback()  # end the test session's read snapshot, see the requests' commits
    assert db.session.scalar(select(StudyProgress)).completed_at == first
    assert "已学完" in client.get("/study/me").get_data(as_text=True)


def time_url(client, chapter_path: str) -> str:
    """The reporting URL the chapter page gives study.js (stamped with when the page was opened)."""
    page = client.get(chapter_path).get_data(as_text=True)
    return html.unescape(re.search(r'data-time-url="([^"]+)"', page).group(1))


def test_reading_time_is_recorded_and_capped(client, auth, member_a, loaded, db, clock):
    auth.login(member_a)
    url = time_url(client, "/study/test-mod/2")
    clock.set(clock.now + timedelta(seconds=40))
    assert client.post(url, json={"seconds": 30}).get_json() == {"seconds_spent": 30}
    clock.set(clock.now + timedelta(hours=1))
    forged = client.post(url, json={"seconds": 100000}).get_json()
    assert forged == {"seconds_spent": 30 + MAX_SECONDS_PER_REPORT}
    assert client.post(url, json={"seconds": "x"}).status_code == 422
    db.session.rollback()  # end the test session's read snapshot, see the requests' commits
    progress = db.session.scalar(select(StudyProgress))
    assert progress.seconds_spent == 30 + MAX_SECONDS_PER_REPORT and progress.completed_at is None


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_time_endpoint_requires_the_csrf_header(self, client, member_a, loaded, clock):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": "member_a", "password": "correct-horse-7", "csrf_token": token})
        chapter = client.get("/study/test-mod/1").get_data(as_text=True)
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', chapter).group(1)
        url = html.unescape(re.search(r'data-time-url="([^"]+)"', chapter).group(1))
        clock.set(clock.now + timedelta(seconds=30))
        assert client.post(url, json={"seconds": 5}).status_code == 400
        ok = client.post(url, json={"seconds": 5}, headers={"X-CSRFToken": meta})
        assert ok.get_json() == {"seconds_spent": 5}


def test_study_pages_need_login(client, loaded):
    response = client.get("/study/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_script_in_markdown_never_reaches_the_page(client, auth, member_a, tmp_path, load):
    from tests.fixtures_study import write_module

    root = tmp_path / "evil"
    write_module(root, "evil-mod", chapters={"01.md": (
        "---\nnumber: 1\ntitle: 第一章\n---\n\n## 第一条 甲\n\n<script>alert('xss')</script>\n\n"
        '<img src="x" onerror="alert(1)"> [点](javascript:alert(2))\n')})
    load(root)
    auth.login(member_a)
    page = client.get("/study/evil-mod/1").get_data(as_text=True)
    assert "alert" not in page and "onerror" not in page and "javascript:" not in page
    assert '<h2 id="art-1">' in page


def test_home_has_a_study_card_and_nav_entry(client, auth, member_a):
    auth.login(member_a)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/study/"' in page and "按章学习" not in page  # the nav entry; no card repeating it


def test_notes_for_authors_reach_only_the_organizers_preview(client, auth, member_a, admin, tmp_path, load, db):
    from sqlalchemy import select

    from studyapp.models import Chapter
    from tests.fixtures_study import write_module

    root = tmp_path / "noted"
    write_module(root, "test-mod", chapters={"01.md": (
        "---\nnumber: 1\ntitle: 第一章 总则\n---\n\n## 第十五条 党课\n\n::: 待核对\n条号为推定，勿据此出题。\n:::\n\n"
        "党课正文。\n\n::: 编者注\n请到共产党员网核对。\n:::\n")})
    load(root)
    auth.login(member_a)
    page = client.get("/study/test-mod/1").get_data(as_text=True)
    assert "本条条号待与原文核对" in page and "党课正文" in page
    assert "推定" not in page and "共产党员网" not in page
    assert "共找到 0 处" in client.get("/study/search?q=共产党员网").get_data(as_text=True)
    assert "共找到 0 处" in client.get("/study/search?q=待与原文核对").get_data(as_text=True)
    chapter = db.session.scalar(select(Chapter).where(Chapter.number == 1))
    auth.logout()
    auth.login(admin)  # a file module's chapters are edited (and previewed) by an administrator
    editor = client.get(f"/manage/modules/{chapter.module_id}/chapters/{chapter.id}").get_data(as_text=True)
    assert "请到共产党员网核对" in editor and "条号为推定" in editor
