"""Publishing in the browser: modules, chapters, versions, restore, audiences and who may edit what."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.models import Article, ChapterVersion, Module, ModuleAudience
from studyapp.services import chapters as chapter_service
from studyapp.services import publishing
from studyapp.services.errors import Conflict, Invalid, NotFound
from studyapp.services.scope import managed_unit_ids
from tests.conftest import FIXED_NOW


def managed(db, user):
    return managed_unit_ids(db.session, user)


def save(db, user, module, chapter, **fields):
    data = chapter_service.ChapterInput(number=fields.pop("number", chapter.number if chapter else 1),
                                        title=fields.pop("title", "第一章 总则"), body_md=fields.pop("body_md", ""),
                                        **fields)
    return chapter_service.save_chapter(db.session, user, module, chapter, data, FIXED_NOW)


def test_browser_module_is_a_draft_owned_by_the_organizers_branch(db, organizer_a, branch_a):
    module = publishing.create_module(db.session, organizer_a, managed(db, organizer_a), title=" 学习二十大 ",
                                      summary="简介", order=3, audience="全体党员", now=FIXED_NOW)
    assert (module.source, module.status, module.owner_unit_id) == ("web", "draft", branch_a.id)
    assert module.title == "学习二十大" and module.order == 3 and module.slug.startswith("web-")


def test_admin_module_is_owned_by_the_organization(db, admin, org):
    module = publishing.create_module(db.session, admin, managed(db, admin), title="专题", now=FIXED_NOW)
    assert module.owner_unit_id == org.id


def test_every_save_is_a_version_and_renders_articles(db, organizer_a, make_web_module):
    module = make_web_module(organizer_a)
    chapter = module.chapters[0]
    first_ids = {a.anchor: a.id for a in chapter.articles}
    assert {"art-11", "art-12"} <= first_ids.keys()
    save(db, organizer_a, module, chapter, body_md="## 第十一条 党员大会\n\n每季度一次。\n\n## 第十三条 新条\n\n内容")
    save(db, organizer_a, module, chapter, body_md="## 第十一条 党员大会\n\n每季度一次，修改。")
    db.session.commit()
    numbers = db.session.scalars(select(ChapterVersion.version_no).where(ChapterVersion.chapter_id == chapter.id))
    assert sorted(numbers) == [1, 2, 3]
    articles = db.session.scalars(select(Article).where(Article.chapter_id == chapter.id)).all()
    assert [a.anchor for a in articles] == ["art-11"]
    assert articles[0].id == first_ids["art-11"]  # same article row, same id: links keep working
    assert "修改" in articles[0].plain_text and "修改" in chapter.body_html


def test_restore_creates_a_new_version_equal_to_the_old(db, organizer_a, make_web_module):
    module = make_web_module(organizer_a)
    chapter = module.chapters[0]
    original = chapter.body_md
    save(db, organizer_a, module, chapter, title="改过的标题", body_md="## 第十一条 党员大会\n\n全新内容")
    v1 = chapter_service.versions(db.session, chapter)[-1]
    restored = chapter_service.restore(db.session, organizer_a, module, chapter, v1.id, FIXED_NOW)
    db.session.commit()
    assert restored.version_no == 3
    assert (chapter.title, chapter.body_md) == ("第一章 总则", original)
    assert "第十二条" in chapter.body_html
    assert [v.version_no for v in chapter_service.versions(db.session, chapter)] == [3, 2, 1]


def test_preview_and_save_never_keep_script(db, organizer_a, make_web_module):
    module = make_web_module(organizer_a, body="正文<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>")
    html = module.chapters[0].body_html
    assert "<script" not in html and "onerror" not in html and "alert(1)" not in html


def test_duplicate_chapter_number_is_a_conflict(db, organizer_a, make_web_module):
    module = make_web_module(organizer_a)
    with pytest.raises(Conflict):
        save(db, organizer_a, module, None, number=1, title="另一章")
    with pytest.raises(Invalid):
        save(db, organizer_a, module, None, number=2, title="  ")


def test_lead_note_is_rendered_and_signed(db, organizer_a, make_web_module):
    module = make_web_module(organizer_a)
    chapter = save(db, organizer_a, module, module.chapters[0], body_md="正文",
                   lead_note_md="**重点**：第十一条<script>x</script>", lead_note_author="支部书记 张三")
    assert "<strong>重点</strong>" in chapter.lead_note_html and "<script" not in chapter.lead_note_html
    assert chapter.lead_note_author == "支部书记 张三" and chapter.lead_note_at == FIXED_NOW


def test_publish_only_to_managed_units(db, organizer_a, branch_a, branch_b, make_web_module):
    module = make_web_module(organizer_a)
    with pytest.raises(Invalid):
        publishing.publish(db.session, organizer_a, managed(db, organizer_a), module, {branch_b.id}, FIXED_NOW)
    publishing.publish(db.session, organizer_a, managed(db, organizer_a), module, {branch_a.id}, FIXED_NOW)
    db.session.commit()
    assert module.status == "published"
    assert db.session.scalars(select(ModuleAudience.unit_id)).all() == [branch_a.id]
    publishing.unpublish(db.session, module, FIXED_NOW)
    assert module.status == "draft"


def test_admin_may_publish_to_the_whole_organization(db, admin, org, make_web_module):
    module = make_web_module(admin, publish_to=[org])
    assert publishing.audience_ids(db.session, module) == [org.id]


def test_other_branch_module_is_not_found(db, organizer_a, organizer_b, admin, make_web_module):
    module = make_web_module(organizer_a)
    with pytest.raises(NotFound):
        publishing.get_module(db.session, organizer_b, managed(db, organizer_b), module.id)
    assert module not in publishing.readable_modules(db.session, organizer_b, managed(db, organizer_b))
    assert publishing.get_editable_module(db.session, admin, managed(db, admin), module.id) is module


def test_another_organizations_module_is_not_found(db, make_unit, make_user, admin, make_web_module):
    other_org = make_unit("另一机关党委", kind="organization")
    other_admin = make_user(other_org, role="admin")
    module = make_web_module(admin)
    with pytest.raises(NotFound):
        publishing.get_module(db.session, other_admin, managed(db, other_admin), module.id)


def test_file_modules_are_edited_by_admins_only_and_marked(db, organizer_a, admin, make_module):
    module = make_module()
    assert publishing.get_module(db.session, organizer_a, managed(db, organizer_a), module.id) is module
    with pytest.raises(NotFound):
        publishing.get_editable_module(db.session, organizer_a, managed(db, organizer_a), module.id)
    editable = publishing.get_editable_module(db.session, admin, managed(db, admin), module.id)
    save(db, admin, editable, editable.chapters[0], title="总则（修订）", body_md="## 第一条 目的\n\n正文")
    db.session.commit()
    assert db.session.get(Module, module.id).edited_in_browser_at == FIXED_NOW


def test_organizer_sees_organization_modules_read_only(db, admin, organizer_b, make_web_module):
    module = make_web_module(admin)
    assert publishing.get_module(db.session, organizer_b, managed(db, organizer_b), module.id) is module
    assert not publishing.can_edit(organizer_b, module, managed(db, organizer_b))


def test_schedule_is_stored(db, organizer_a, make_web_module):
    when = FIXED_NOW + timedelta(days=3)
    module = make_web_module(organizer_a, publish_at=when)
    assert module.chapters[0].publish_at == when
