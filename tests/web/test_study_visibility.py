"""Who sees what: publishing scope by branch, scheduled instalments with an injected clock, search."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from studyapp.models import Module, ModuleAudience
from tests.conftest import FIXED_NOW
from tests.fixtures_study import ONE_DAY, scheduled_chapter, write_module

CLOCK = {"now": FIXED_NOW}


@pytest.fixture
def app_config(app_config):
    CLOCK["now"] = FIXED_NOW
    return {**app_config, "CLOCK": lambda: CLOCK["now"]}


def test_scheduled_chapter_invisible_before_publish_time_and_visible_after(client, auth, member_a, tmp_path, load):
    root = tmp_path / "content"
    write_module(root, extra=scheduled_chapter(FIXED_NOW + ONE_DAY))
    load(root)
    auth.login(member_a)
    assert client.get("/study/test-mod/3").status_code == 404
    module_page = client.get("/study/test-mod/").get_data(as_text=True)
    assert "发布" in module_page and "/study/test-mod/3" not in module_page  # locked, with its release time
    assert "已学 0/2 章" in client.get("/study/").get_data(as_text=True)
    assert "共找到 0 处" in client.get("/study/search?q=甲乙丙").get_data(as_text=True)

    CLOCK["now"] = FIXED_NOW + ONE_DAY
    assert client.get("/study/test-mod/3").status_code == 200
    assert "已学 0/3 章" in client.get("/study/").get_data(as_text=True)
    assert 'href="/study/test-mod/3#art-30"' in client.get("/study/search?q=甲乙丙").get_data(as_text=True)
    assert 'href="/study/test-mod/2"' in client.get("/study/test-mod/3").get_data(as_text=True)


def test_module_published_only_to_branch_a_is_invisible_to_branch_b(client, auth, member_a, member_b, db,
                                                                      content_dir, load):
    load(content_dir)
    module = db.session.scalar(select(Module))
    db.session.add(ModuleAudience(module_id=module.id, unit_id=member_a.unit_id))
    db.session.commit()

    auth.login(member_b)
    assert "测试条例学习" not in client.get("/study/").get_data(as_text=True)
    assert client.get("/study/test-mod/").status_code == 404
    assert client.get("/study/test-mod/1").status_code == 404
    assert client.post("/study/test-mod/1/done").status_code == 404
    assert "共找到 0 处" in client.get("/study/search?q=党员大会").get_data(as_text=True)
    auth.logout()

    auth.login(member_a)
    assert client.get("/study/test-mod/1").status_code == 200


def test_module_published_to_the_organization_reaches_its_branches(client, auth, member_b, org, db,
                                                                     content_dir, load):
    load(content_dir)
    module = db.session.scalar(select(Module))
    db.session.add(ModuleAudience(module_id=module.id, unit_id=org.id))
    db.session.commit()
    auth.login(member_b)
    assert client.get("/study/test-mod/1").status_code == 200


def test_draft_module_is_invisible(client, auth, member_a, db, content_dir, load):
    load(content_dir)
    db.session.scalar(select(Module)).status = "draft"
    db.session.commit()
    auth.login(member_a)
    assert client.get("/study/test-mod/1").status_code == 404


def test_two_character_query_finds_the_right_article_with_highlight(client, auth, member_a, content_dir, load):
    load(content_dir)
    auth.login(member_a)
    page = client.get("/study/search?q=季度").get_data(as_text=True)
    assert "共找到 1 处" in page
    assert 'href="/study/test-mod/2#art-11"' in page and "第十一条 党员大会" in page
    assert "<mark>季度</mark>" in page
    one_char = client.get("/study/search?q=训").get_data(as_text=True)
    assert 'href="/study/test-mod/2#art-23"' in one_char


def test_search_escapes_the_query_and_like_wildcards(client, auth, member_a, content_dir, load):
    load(content_dir)
    auth.login(member_a)
    page = client.get("/study/search?q=<b>%25_").get_data(as_text=True)
    assert "共找到 0 处" in page and "<b>%_" not in page and "&lt;b&gt;" in page


def test_search_paginates(client, auth, member_a, tmp_path, load):
    body = "".join(f"\n## 第{n}条 条目\n\n共同词语 {n}。\n" for n in ["一", "二", "三", "四", "五", "六", "七",
                                                              "八", "九", "十", "十一", "十二"])
    root = tmp_path / "many"
    write_module(root, chapters={"01.md": f"---\nnumber: 1\ntitle: 第一章\n---\n{body}"})
    load(root)
    auth.login(member_a)
    first = client.get("/study/search?q=共同词语").get_data(as_text=True)
    assert "共 12 条" in first and first.count('class="search-hit"') == 10
    second = client.get("/study/search?q=共同词语&page=2").get_data(as_text=True)
    assert second.count('class="search-hit"') == 2 and "#art-12" in second


def test_a_number_in_the_query_is_not_found_inside_a_longer_number(client, auth, member_a, db, make_module):
    """Searching "8人" finds "8人" but not "18人"; "18人" still finds itself."""
    from studyapp.models import Article

    module = make_module(slug="numbers")
    first, second = db.session.scalars(select(Article).where(Article.module_id == module.id)
                                       .order_by(Article.id)).all()[:2]
    first.plain_text = "党员人数超过18人的支部，设立支部委员会。"
    second.plain_text = "委员会由3至8人组成，一般不超过7人。"
    db.session.commit()
    auth.login(member_a)
    page = client.get("/study/search?q=8人").get_data(as_text=True)
    assert "共找到 1 处" in page and "<mark>8人</mark>组成" in page and "1<mark>8人" not in page
    assert "共找到 1 处" in client.get("/study/search?q=18人").get_data(as_text=True)
    assert "共找到 2 处" in client.get("/study/search?q=人").get_data(as_text=True)
