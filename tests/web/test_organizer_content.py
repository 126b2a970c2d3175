"""Organizer content pages: create, edit, preview, publish, versions, scope, completion report."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from studyapp.models import Chapter, ChapterVersion, Module
from studyapp.models.progress import StudyProgress
from tests.conftest import FIXED_NOW


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


def chapter_form(**fields):
    return {"number": "1", "title": "第一章 总则", "body_md": "## 第一条 目的\n\n正文", "publish_at": "",
            "lead_note_md": "", "lead_note_author": "", **fields}


def test_members_cannot_reach_content_pages(client, auth, member_a, organizer_a, make_web_module):
    module = make_web_module(organizer_a)
    auth.login(member_a)
    for url in ("/manage/modules", "/manage/modules/new", f"/manage/modules/{module.id}",
                f"/manage/modules/{module.id}/completion"):
        assert client.get(url).status_code == 403
    assert client.post("/manage/preview", json={"markdown": "x"}).status_code == 403


def test_create_write_and_publish_a_module(client, auth, db, organizer_a, branch_a, member_a, member_b):
    auth.login(organizer_a)
    response = client.post("/manage/modules/new", data={"title": "学习支部工作条例", "summary": "分期学习",
                                                        "order": "1", "audience": "全体党员"})
    db.session.rollback()
    module = db.session.scalar(select(Module).where(Module.title == "学习支部工作条例"))
    assert response.headers["Location"] == f"/manage/modules/{module.id}"
    assert "草稿" in client.get(f"/manage/modules/{module.id}").get_data(as_text=True)

    response = client.post(f"/manage/modules/{module.id}/chapters/new",
                           data=chapter_form(body_md="## 第十一条 党员大会\n\n每季度召开1次。",
                                             lead_note_md="请重点学习**党员大会**", lead_note_author="支部书记 王芳"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "每季度召开1次" in page and 'id="art-11"' in page and "支部书记 王芳" in page

    assert client.post(f"/manage/modules/{module.id}/publish", data={"pub-units": [str(branch_a.id)]}).status_code == 302
    db.session.rollback()  # end the test's read snapshot
    assert db.session.get(Module, module.id).status == "published"

    # Publishing scope, through the member pages: branch A sees it, branch B does not.
    auth.logout()
    auth.login(member_a)
    assert client.get(f"/study/{module.slug}/1").status_code == 200
    auth.logout()
    auth.login(member_b)
    assert client.get(f"/study/{module.slug}/1").status_code == 404
    assert "学习支部工作条例" not in client.get("/study/").get_data(as_text=True)


def test_organizer_cannot_publish_to_another_branch(client, auth, db, organizer_a, branch_b, make_web_module):
    module = make_web_module(organizer_a)
    auth.login(organizer_a)
    page = client.get(f"/manage/modules/{module.id}").get_data(as_text=True)
    assert "第一党支部" in page and "第二党支部" not in page  # only managed units are offered
    client.post(f"/manage/modules/{module.id}/publish", data={"pub-units": [str(branch_b.id)]})
    db.session.rollback()  # end the test's read snapshot
    assert db.session.get(Module, module.id).status == "draft"


def test_every_save_is_a_version_and_restore_brings_an_old_one_back(client, auth, db, organizer_a, make_web_module):
    module = make_web_module(organizer_a)
    chapter = module.chapters[0]
    url = f"/manage/modules/{module.id}/chapters/{chapter.id}"
    auth.login(organizer_a)
    client.post(url, data=chapter_form(body_md="## 第十一条 党员大会\n\n第二稿"))
    client.post(url, data=chapter_form(body_md="## 第十一条 党员大会\n\n第三稿"))
    versions_page = client.get(f"{url}/versions").get_data(as_text=True)
    assert "第 3 版" in versions_page and "第 1 版" in versions_page and "甲组织员" in versions_page
    db.session.rollback()
    second = db.session.scalar(select(ChapterVersion).where(ChapterVersion.chapter_id == chapter.id,
                                                            ChapterVersion.version_no == 2))
    assert client.post(f"{url}/versions/{second.id}/restore").status_code == 302
    db.session.rollback()  # end the test's read snapshot
    restored = db.session.get(Chapter, chapter.id)
    assert "第二稿" in restored.body_html and "第三稿" not in restored.body_html
    numbers = db.session.scalars(select(ChapterVersion.version_no).where(ChapterVersion.chapter_id == chapter.id))
    assert sorted(numbers) == [1, 2, 3, 4]


def test_preview_is_rendered_by_the_server_and_sanitized(client, auth, organizer_a):
    auth.login(organizer_a)
    response = client.post("/manage/preview", json={"markdown": "## 第五条 设置\n\n<script>alert(1)</script>**重点**"})
    html = response.get_json()["html"]
    assert 'id="art-5"' in html and "<strong>重点</strong>" in html
    assert "<script" not in html and "alert(1)" not in html
    note = client.post("/manage/preview", json={"markdown": "<img src=x onerror=alert(1)>导读", "kind": "note"})
    assert "onerror" not in note.get_json()["html"]
    assert client.post("/manage/preview", json={}).status_code == 422


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_preview_needs_the_token_header_the_editor_sends(self, client, organizer_a, make_web_module):
        module = make_web_module(organizer_a)
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        client.post("/login", data={"username": "organizer_a", "password": "correct-horse-7", "csrf_token": token})
        editor = client.get(f"/manage/modules/{module.id}/chapters/{module.chapters[0].id}").get_data(as_text=True)
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', editor).group(1)
        assert 'src="/static/js/editor.js"' in editor and 'data-preview-url="/manage/preview"' in editor
        assert client.post("/manage/preview", json={"markdown": "x"}).status_code == 400
        ok = client.post("/manage/preview", json={"markdown": "**x**"}, headers={"X-CSRFToken": meta})
        assert ok.status_code == 200 and "<strong>x</strong>" in ok.get_json()["html"]


def test_scheduled_chapter_appears_at_its_local_publish_time(app, client, auth, db, organizer_a, branch_a, member_a,
                                                             make_web_module):
    module = make_web_module(organizer_a, publish_to=[branch_a])
    auth.login(organizer_a)
    # 2026-05-03 09:00 in Asia/Shanghai is 01:00 UTC.
    client.post(f"/manage/modules/{module.id}/chapters/new",
                data=chapter_form(number="2", title="第二章", publish_at="2026-05-03T09:00"))
    db.session.rollback()  # end the test's read snapshot
    second = db.session.scalar(select(Chapter).where(Chapter.module_id == module.id, Chapter.number == 2))
    assert second.publish_at == datetime(2026, 5, 3, 1, 0, tzinfo=timezone.utc)
    edit_page = client.get(f"/manage/modules/{module.id}/chapters/{second.id}").get_data(as_text=True)
    assert 'value="2026-05-03T09:00"' in edit_page
    auth.logout()
    auth.login(member_a)
    assert client.get(f"/study/{module.slug}/2").status_code == 404
    app.config["CLOCK"] = lambda: datetime(2026, 5, 3, 1, 0, tzinfo=timezone.utc)
    assert client.get(f"/study/{module.slug}/2").status_code == 200


def test_bad_publish_time_is_refused(client, auth, db, organizer_a, make_web_module):
    module = make_web_module(organizer_a)
    auth.login(organizer_a)
    page = client.post(f"/manage/modules/{module.id}/chapters/new",
                       data=chapter_form(number="2", publish_at="明天")).get_data(as_text=True)
    assert "时间格式应为" in page
    assert db.session.scalar(select(Chapter).where(Chapter.number == 2)) is None


def test_other_branch_organizer_gets_404(client, auth, organizer_a, organizer_b, make_web_module):
    module = make_web_module(organizer_a)
    chapter = module.chapters[0]
    auth.login(organizer_b)
    for url in (f"/manage/modules/{module.id}", f"/manage/modules/{module.id}/completion",
                f"/manage/modules/{module.id}/chapters/{chapter.id}",
                f"/manage/modules/{module.id}/chapters/{chapter.id}/versions"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/manage/modules/{module.id}/unpublish").status_code == 404
    assert f'href="/manage/modules/{module.id}"' not in client.get("/manage/modules").get_data(as_text=True)


def test_organizer_cannot_edit_a_file_module(client, auth, organizer_a, admin, make_module):
    module = make_module()
    chapter = module.chapters[0]
    auth.login(organizer_a)
    assert "只读" in client.get("/manage/modules").get_data(as_text=True)
    assert client.get(f"/manage/modules/{module.id}/chapters/{chapter.id}").status_code == 404
    auth.logout()
    auth.login(admin)
    page = client.get(f"/manage/modules/{module.id}").get_data(as_text=True)
    assert "会保留您的修改，不再覆盖" in page
    assert client.get(f"/manage/modules/{module.id}/chapters/{chapter.id}").status_code == 200


def test_completion_per_branch_and_export(client, auth, db, admin, org, branch_a, branch_b, member_a, member_b,
                                          make_user, make_web_module):
    module = make_web_module(admin, publish_to=[org])
    chapter = module.chapters[0]
    late = make_user(branch_a, username="late_a", name="=HYPERLINK(\"x\")")
    db.session.add(StudyProgress(user_id=member_a.id, chapter_id=chapter.id, started_at=FIXED_NOW,
                                 completed_at=FIXED_NOW + timedelta(minutes=30)))
    db.session.add(StudyProgress(user_id=member_b.id, chapter_id=chapter.id, started_at=FIXED_NOW))
    db.session.commit()
    auth.login(admin)
    page = client.get(f"/manage/modules/{module.id}/completion").get_data(as_text=True)
    assert "第一党支部" in page and "第二党支部" in page and "late_a" in page
    text = client.get(f"/manage/modules/{module.id}/completion?format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    by_user = {row[1]: row for row in rows[1:]}
    assert by_user["member_a"][3] == "已完成 2026-05-01 16:30" and by_user["member_a"][4] == "1"
    assert by_user["member_b"][3] == "学习中"
    assert by_user["late_a"][2].startswith("'=") and by_user["late_a"][3] == "未开始"
    xlsx = client.get(f"/manage/modules/{module.id}/completion?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    assert sheet.max_row == len(rows) and sheet["A1"].value == "支部"


def test_chapter_titles_that_name_their_chapter_are_not_doubled(client, auth, admin, make_module):
    module = make_module(slug="doubled", chapters=((1, "第一章 总则", (1, 2)), (2, "组织设置", (5, 6))))
    auth.login(admin)
    page = client.get(f"/manage/modules/{module.id}").get_data(as_text=True)
    assert "<strong>第一章 总则</strong>" in page and "第 1 章" not in page
    assert "<strong>第2章 组织设置</strong>" in page


def test_publish_form_ticks_the_organizers_only_branch(client, auth, organizer_a, branch_a, make_web_module):
    module = make_web_module(organizer_a)
    auth.login(organizer_a)
    page = client.get(f"/manage/modules/{module.id}").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{branch_a.id}"|value="{branch_a.id}"[^>]*checked', page)
