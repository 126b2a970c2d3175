"""API study: marking a chapter studied and reading time as explicit POSTs with the study pages' rules
(first completion kept, reading time credited by the server's clock once, the same rate limit), and search
with the website's query and page limits. Another branch's module is a 404 everywhere."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fixtures_api import conforms
from studyapp.models import Module, ModuleAudience, StudyProgress
from studyapp.services.study import MAX_SECONDS_PER_REPORT
from tests.conftest import FIXED_NOW
from tests.fixtures_study import write_module

CHAPTER = "/modules/test-mod/chapters/1"


@pytest.fixture
def loaded(content_dir, load):
    return load(content_dir)


@pytest.fixture
def token(api, member_a, clock):
    return api.token(member_a)


def _progress(db) -> StudyProgress | None:
    db.session.rollback()  # see the requests' commits
    return db.session.scalar(select(StudyProgress))


def _only_for_branch_b(db, member_b):
    module = db.session.scalar(select(Module).where(Module.slug == "test-mod"))
    db.session.add(ModuleAudience(module_id=module.id, unit_id=member_b.unit_id))
    db.session.commit()


def test_fetching_a_chapter_writes_nothing_and_marking_it_keeps_the_first_time(db, api, token, loaded, clock):
    chapter = api.get(CHAPTER, token)
    conforms(chapter.get_json(), "Chapter")
    assert chapter.get_json()["time_token"] and _progress(db) is None  # GETs never write
    done = api.post(f"{CHAPTER}/done", token)
    assert done.status_code == 200, done.get_json()
    conforms(done.get_json(), "ChapterProgress")
    assert done.get_json() == {"number": 1, "title": "第一章 总则", "started_at": FIXED_NOW.isoformat(),
                               "completed_at": FIXED_NOW.isoformat(), "seconds": 0}
    clock.set(FIXED_NOW + timedelta(hours=1))
    assert api.post(f"{CHAPTER}/done", token).get_json()["completed_at"] == FIXED_NOW.isoformat()
    progress = api.get("/me/progress", token).get_json()
    conforms(progress, schema={"type": "array", "items": {"$ref": "#/components/schemas/ModuleProgress"}})
    assert progress[0]["completed"] == 1 and progress[0]["chapters"][0]["completed_at"] == FIXED_NOW.isoformat()


def test_marking_a_chapter_not_released_or_not_mine_is_404(db, api, token, loaded, member_b):
    assert api.post("/modules/test-mod/chapters/9/done", token).status_code == 404
    _only_for_branch_b(db, member_b)
    refused = api.post(f"{CHAPTER}/done", token)
    assert refused.status_code == 404 and refused.get_json()["error"]["message"] == "章节不存在或尚未发布"
    assert _progress(db) is None


def test_reading_time_is_credited_by_the_servers_clock_once(db, api, token, loaded, clock):
    stamp = api.get(CHAPTER, token).get_json()["time_token"]
    report = {"seconds": 30, "time_token": stamp}
    assert api.post(f"{CHAPTER}/time", token, json=report).get_json()["seconds"] == 0  # nothing read yet
    clock.set(clock.now + timedelta(seconds=40))
    first = api.post(f"{CHAPTER}/time", token, json=report)
    assert first.status_code == 200, first.get_json()
    conforms(first.get_json(), "ChapterProgress")
    assert first.get_json()["seconds"] == 30 and first.get_json()["completed_at"] is None
    assert api.post(f"{CHAPTER}/time", token, json=report).get_json()["seconds"] == 30  # the same stretch again
    clock.set(clock.now + timedelta(hours=1))
    capped = api.post(f"{CHAPTER}/time", token, json={"seconds": 100000, "time_token": stamp})
    assert capped.get_json()["seconds"] == 30 + MAX_SECONDS_PER_REPORT
    assert _progress(db).seconds_spent == 30 + MAX_SECONDS_PER_REPORT


@pytest.mark.parametrize("body", [{"seconds": "30"}, {"seconds": -1}, {"seconds": True}, {"seconds": 1.5}, {}])
def test_reading_time_needs_whole_seconds(db, api, token, loaded, clock, body):
    stamp = api.get(CHAPTER, token).get_json()["time_token"]
    clock.set(clock.now + timedelta(seconds=40))
    refused = api.post(f"{CHAPTER}/time", token, json={**body, "time_token": stamp})
    assert refused.status_code == 422 and refused.get_json()["error"]["message"] == "seconds 应为非负整数"
    assert _progress(db) is None


def test_reading_time_needs_this_members_stamp_of_this_chapter(db, app, api, token, loaded, member_b, clock):
    other_chapter = api.get("/modules/test-mod/chapters/2", token).get_json()["time_token"]
    theirs = api.get(CHAPTER, api.token(member_b)).get_json()["time_token"]
    clock.set(clock.now + timedelta(seconds=60))
    for stamp in (None, "", "forged", other_chapter, theirs, 12):
        refused = api.post(f"{CHAPTER}/time", token, json={"seconds": 30, "time_token": stamp})
        assert refused.status_code == 422, stamp
        assert refused.get_json()["error"]["message"].startswith("time_token 无效")
    assert api.post(f"{CHAPTER}/time", token, data="{", content_type="application/json").status_code == 400
    assert _progress(db) is None


def test_reading_time_on_another_branchs_module_is_404(db, api, token, loaded, member_b, clock):
    stamp = api.get(CHAPTER, token).get_json()["time_token"]
    _only_for_branch_b(db, member_b)
    clock.set(clock.now + timedelta(seconds=60))
    assert api.post(f"{CHAPTER}/time", token, json={"seconds": 30, "time_token": stamp}).status_code == 404
    assert _progress(db) is None


def test_the_website_and_the_api_take_the_same_reading_stamps(client, auth, api, token, member_a, loaded, clock):
    """One stretch of time is credited once, whichever way it is reported."""
    stamp = api.get(CHAPTER, token).get_json()["time_token"]
    clock.set(clock.now + timedelta(seconds=60))
    auth.login(member_a)
    assert client.post(f"/study/test-mod/1/time?t={stamp}", json={"seconds": 60}).get_json() == {"seconds_spent": 60}
    assert api.post(f"{CHAPTER}/time", token, json={"seconds": 60, "time_token": stamp}).get_json()["seconds"] == 60


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True}

    def test_reports_are_rate_limited_per_member_in_chinese(self, api, token, loaded, clock):
        stamp = api.get(CHAPTER, token).get_json()["time_token"]
        statuses = []
        for _ in range(11):
            clock.set(clock.now + timedelta(seconds=1))
            statuses.append(api.post(f"{CHAPTER}/time", token, json={"seconds": 1, "time_token": stamp}).status_code)
        assert statuses == [200] * 10 + [429]
        refused = api.post(f"{CHAPTER}/time", token, json={"seconds": 1, "time_token": stamp})
        assert refused.headers["Retry-After"] and refused.headers["Cache-Control"] == "no-store"
        assert refused.get_json()["error"] == {"code": "rate_limited", "message": "操作过于频繁，请稍后再试"}


# ---- search ---------------------------------------------------------------------------------------


def test_search_finds_articles_i_may_read(db, api, token, loaded, member_b):
    found = api.get("/search", token, query_string={"q": "  党员大会 "})
    assert found.status_code == 200
    body = found.get_json()
    conforms(body, "SearchPage")
    assert body["query"] == "党员大会" and body["total"] == 1 and body["pages"] == 1 and body["per_page"] == 10
    hit = body["items"][0]
    assert hit["module_slug"] == "test-mod" and hit["chapter_number"] == 2 and hit["anchor"].startswith("art-")
    assert "<mark>党员大会</mark>" in hit["snippet_html"]
    _only_for_branch_b(db, member_b)
    assert api.get("/search", token, query_string={"q": "党员大会"}).get_json()["total"] == 0


def test_search_pages_as_the_website_does(api, token, tmp_path, load):
    chapters = {"01.md": "---\nnumber: 1\ntitle: 第一章 总则\n---\n\n" + "".join(
        f"## 第{n}条 条目\n\n支部学习第{n}次。\n\n" for n in range(1, 13))}
    write_module(tmp_path / "content", "many", chapters=chapters)
    load(tmp_path / "content")
    first = api.get("/search", token, query_string={"q": "支部学习"}).get_json()
    assert (first["total"], first["pages"], first["page"], len(first["items"])) == (12, 2, 1, 10)
    last = api.get("/search", token, query_string={"q": "支部学习", "page": 99}).get_json()
    assert last["page"] == 2 and len(last["items"]) == 2  # past the end: the last page, as on the website
    long = api.get("/search", token, query_string={"q": "支部学习" + "很" * 80}).get_json()
    assert len(long["query"]) == 50 and long["total"] == 0


@pytest.mark.parametrize("query", [{}, {"q": "   "}, {"q": "支部", "page": "0"}, {"q": "支部", "page": "x"},
                                   {"q": "支部", "page": str(2**64)}, {"q": "支部", "page": "²"}])
def test_search_refuses_no_query_or_a_bad_page(api, token, loaded, query):
    refused = api.get("/search", token, query_string=query)
    assert refused.status_code == 422 and refused.get_json()["error"]["message"]


def test_search_for_a_nul_finds_nothing_rather_than_failing(api, token, loaded):
    """PostgreSQL cannot compare text holding a NUL; no stored text holds one."""
    assert api.get("/search", token, query_string={"q": "\x00"}).status_code == 422
    assert api.get("/search", token, query_string={"q": "党员\x00大会"}).get_json()["total"] == 0
