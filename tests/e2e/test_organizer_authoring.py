"""Organizers author on a desktop (1280x800): a module written in the browser with live preview, and an exam
drawn by rules with a sitting for two branches; members of the chosen branches see the result, others do not."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .checks import check_phone_page
from .conftest import DEMO_PASSWORD, DESKTOP, PHONE
from .test_member_journey import log_in
from .test_organizer_journey import check_desktop_page

pytestmark = pytest.mark.e2e
MODULE_TITLE = "浏览器编写的专题"
CHAPTER_TITLE = "第三章 党员大会"
BODY = "## 第十一条 党员大会\n\n党员大会是**党支部的议事决策机构**，由全体党员参加。\n"
EXAM_TITLE = "两个支部的联合测试"
BANK = "《中国共产党支部工作条例（试行）》学习"


def _local(moment: datetime) -> str:
    """The value a datetime-local field takes, in the server's zone (Asia/Shanghai)."""
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def test_organizer_publishes_a_module_written_with_preview(new_context, shot):
    page = new_context(DESKTOP).new_page()
    log_in(page, "organizer1", DEMO_PASSWORD)
    page.goto("/manage/modules")
    page.get_by_role("link", name=re.compile("新建")).first.click()
    check_desktop_page(page, shot, "authoring-01-module-new")
    page.get_by_label("专题标题").fill(MODULE_TITLE)
    page.get_by_label("简介").fill("在浏览器里编写并预览的专题。")
    # Listed after the demo module, so pages that open "the first module" (the question bank) still open that one.
    page.get_by_label("排序（小的在前）").fill("100")
    page.get_by_role("button", name="创建（草稿）").click()
    expect(page.locator(".alert-success")).to_contain_text("专题已创建")
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLE)

    page.get_by_role("link", name="添加章节").click()
    page.get_by_label("章节标题").fill(CHAPTER_TITLE)
    page.get_by_label(re.compile("^正文")).fill(BODY)
    preview = page.locator("#body-preview")
    # The preview comes from the server: the heading gets its article anchor, the bold word stays bold.
    expect(preview.locator("h2#art-11")).to_contain_text("第十一条 党员大会")
    expect(preview.locator("strong")).to_have_text("党支部的议事决策机构")
    # Typing more updates the preview again.
    page.get_by_label(re.compile("^正文")).press("End")
    page.get_by_label(re.compile("^正文")).type("\n## 第十二条 支部委员会\n")
    expect(preview.locator("h2#art-12")).to_contain_text("第十二条 支部委员会")
    check_desktop_page(page, shot, "authoring-02-chapter-preview")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator("#body-preview h2#art-11")).to_be_visible()

    page.get_by_role("link", name="返回专题").click()
    expect(page.locator("main")).to_contain_text(CHAPTER_TITLE)
    page.get_by_role("checkbox", name="第一党支部").check()
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("专题已发布")
    expect(page.locator(".status")).to_have_text("已发布")
    check_desktop_page(page, shot, "authoring-03-module-published")

    # A member of 第一党支部 finds the module and reads the chapter at its article anchor.
    member = new_context(PHONE).new_page()
    log_in(member, "member0006", DEMO_PASSWORD)
    member.goto("/study/")
    member.get_by_role("link", name=re.compile(MODULE_TITLE)).click()
    member.get_by_role("link", name=re.compile(CHAPTER_TITLE)).click()
    article = member.locator("#art-11")
    expect(article).to_contain_text("第十一条 党员大会")
    expect(member.locator("main strong", has_text="党支部的议事决策机构")).to_be_visible()
    member.goto(member.url.split("#")[0] + "#art-11")
    expect(article).to_be_in_viewport()
    check_phone_page(member, shot, "authoring-04-member-reads")

    # A member of 第二党支部 does not see it.
    other = new_context(PHONE).new_page()
    log_in(other, "member0002", DEMO_PASSWORD)
    other.goto("/study/")
    expect(other.get_by_role("heading", name="学习", level=1)).to_be_visible()
    expect(other.locator("main")).not_to_contain_text(MODULE_TITLE)


def test_admin_defines_an_exam_and_a_sitting_for_two_branches(new_context, shot):
    page = new_context(DESKTOP).new_page()
    log_in(page, "admin", DEMO_PASSWORD)
    page.goto("/manage/exams/new")
    check_desktop_page(page, shot, "authoring-05-exam-new")
    page.get_by_label("考试名称").fill(EXAM_TITLE)
    page.get_by_label("题库（学习专题）").select_option(label=BANK)
    page.get_by_label("按规则随机抽题").check()
    page.get_by_label("规则1 题数").fill("5")
    page.get_by_label("规则1 每题分值").fill("20")
    page.get_by_label("考试时长（分钟）").fill("20")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("考试已发布。下一步：新建场次")
    expect(page.get_by_role("heading", level=1)).to_have_text(EXAM_TITLE)
    # A new exam is meant to be sat: it is published at once (the bank fills its paper).
    expect(page.locator(".exam-facts")).to_contain_text("已发布")
    exam_url = page.url

    page.get_by_role("link", name="预览试卷").click()
    expect(page.get_by_role("heading", name="试卷预览")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"共 5 题，满分 100 分"))
    expect(page.locator(".review-item")).to_have_count(5)
    expect(page.locator(".alert-warning")).to_have_count(0)
    check_desktop_page(page, shot, "authoring-06-exam-preview")

    page.goto(exam_url)
    page.get_by_role("link", name="新建场次").first.click()
    opens = datetime.now().astimezone() - timedelta(minutes=10)
    page.get_by_label("场次名称").fill("第二、三支部联合场")
    page.get_by_label("开始时间").fill(_local(opens))
    page.get_by_label("结束时间").fill(_local(opens + timedelta(hours=3)))
    page.get_by_role("checkbox", name="第二党支部").check()
    page.get_by_role("checkbox", name="第三党支部").check()
    check_desktop_page(page, shot, "authoring-07-sitting-new")
    page.get_by_role("button", name="创建场次").click()
    expect(page.locator(".alert-success")).to_contain_text("场次已创建")
    page.goto(exam_url)
    expect(page.locator("main table")).to_contain_text("第二、三支部联合场")
    expect(page.locator("main table")).to_contain_text("2 个单位")
    check_desktop_page(page, shot, "authoring-08-exam-with-sitting")

    # A member of the second chosen branch (第三党支部) sees the sitting and starts it.
    member = new_context(PHONE).new_page()
    member.on("dialog", lambda dialog: dialog.accept())
    log_in(member, "member0003", DEMO_PASSWORD)
    member.goto("/exams/")
    offer = member.locator(".exam-offer", has_text=EXAM_TITLE)
    expect(offer).to_contain_text("第二、三支部联合场")
    check_phone_page(member, shot, "authoring-09-member-offer")
    offer.get_by_role("button", name="开始考试").click()
    expect(member.locator(".exam-q")).to_have_count(5)
    expect(member.get_by_role("region", name=re.compile("第1题"))).to_be_visible()
    expect(member.locator("#q-1 .exam-option").first).to_be_visible()
    expect(member.locator("#exam-countdown")).to_have_text(re.compile(r"^(20:00|19:[0-5]\d)$"))
    check_phone_page(member, shot, "authoring-10-member-attempt")
