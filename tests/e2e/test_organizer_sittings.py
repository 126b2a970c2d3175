"""The organizer's day at 1280x800: organizer1 (a branch organizer) sees the organization's exam, schedules a
sitting for their branch, extends it once it is open, and copies the chase message for the branch's WeChat group."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, DESKTOP
from .test_member_journey import log_in
from .test_organizer_journey import check_desktop_page

pytestmark = pytest.mark.e2e
BEIJING = ZoneInfo("Asia/Shanghai")


def local_input(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")


def test_branch_organizer_schedules_extends_and_chases(new_context, shot):
    context = new_context(DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, "organizer1", DEMO_PASSWORD)

    # The organization's exam is on the list, read-only, and opens.
    page.goto("/manage/exams")
    expect(page.locator("main")).not_to_contain_text("还没有考试")
    expect(page.locator("main")).to_contain_text("上级组织，只读")
    check_desktop_page(page, shot, "organizer-day-01-exams")
    page.get_by_role("link", name="《条例》知识测试").click()
    expect(page.locator("main")).to_contain_text("统一组织")
    check_desktop_page(page, shot, "organizer-day-02-exam")

    # A sitting for their branch (already ticked), open from a few minutes ago for an hour.
    page.get_by_role("link", name="新建场次").first.click()
    branch = page.get_by_label("第一党支部")
    expect(branch).to_be_checked()
    now = datetime.now(BEIJING)
    page.get_by_label("场次名称").fill("第一党支部专场")
    page.get_by_label("开始时间").fill(local_input(now - timedelta(minutes=5)))
    page.get_by_label("结束时间").fill(local_input(now + timedelta(hours=1)))
    check_desktop_page(page, shot, "organizer-day-03-new-sitting")
    page.get_by_role("button", name="创建场次").click()
    expect(page.locator("h1")).to_have_text("第一党支部专场")
    expect(page.locator("main")).to_contain_text("未参考")
    expect(page.locator("main")).not_to_contain_text("缺考")

    # Extended: only the close time can move, and only later; the history says who and when.
    page.get_by_role("link", name="延长结束时间").click()
    expect(page.get_by_label("开始时间")).to_have_count(0)
    page.get_by_label("结束时间").fill(local_input(now + timedelta(hours=2)))
    check_desktop_page(page, shot, "organizer-day-04-extend")
    page.get_by_role("button", name="保存").click()
    history = page.locator("#history-title + ul")
    expect(history).to_contain_text(re.compile(r"陈晓梅 创建"))
    expect(history).to_contain_text(re.compile(r"陈晓梅 延长：结束时间 .+ → .+"))
    check_desktop_page(page, shot, "organizer-day-05-sitting")

    # Chase: a ready message for the branch's WeChat group, copied with one button.
    page.get_by_role("link", name="未参考名单与提醒").click()
    message = page.get_by_label("提醒话").first
    expect(message).to_have_value(re.compile(r"^请以下同志于\d+月\d+日\d\d:\d\d前完成《条例》知识测试：.+、.+。$"))
    page.get_by_role("button", name="复制提醒").first.click()
    expect(page.locator(".chase-copy__status").first).to_have_text(re.compile("已复制"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == message.input_value()
    check_desktop_page(page, shot, "organizer-day-06-chase")

    # The live monitor stays inside the page column, aligned with the header.
    page.goto(page.url.replace("/chase", "/monitor"))
    column = page.locator("#main").bounding_box()
    monitor = page.locator("#monitor").bounding_box()
    assert column["width"] <= 960 and monitor["x"] + monitor["width"] <= column["x"] + column["width"]
    check_desktop_page(page, shot, "organizer-day-07-monitor")


def test_exam_form_rows_and_the_staggered_planner(new_context, shot):
    page = new_context(DESKTOP).new_page()
    log_in(page, "organizer1", DEMO_PASSWORD)
    page.goto("/manage/exams/new")
    rows = page.locator(".rule-row:visible")
    expect(rows).to_have_count(1)
    page.get_by_role("button", name="添加一条规则").click()
    page.get_by_role("button", name="添加一条规则").click()
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="删除规则2").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_label("规则2 题型")).to_be_visible()
    # Every option of a rule's selects fits its box ("不限" is not cut to "不阝").
    select = page.get_by_label("规则1 难度")
    assert select.evaluate("el => el.scrollWidth <= el.clientWidth")
    check_desktop_page(page, shot, "organizer-day-08-exam-form")

    # The planner staggers batches (the administrator, with five branches): first start, length and gap.
    page = new_context(DESKTOP).new_page()
    log_in(page, "admin", DEMO_PASSWORD)
    page.goto("/manage/exams")
    page.get_by_role("link", name="《条例》知识测试").click()
    page.get_by_role("link", name="分批安排场次").click()
    page.get_by_label("场次名称").fill("分批测试")
    for branch in ("第一党支部", "第二党支部", "第三党支部"):
        page.get_by_label(branch).check()
    page.get_by_label("分成 N 场").check()
    page.get_by_label("N 或 K").fill("3")
    first = (datetime.now(BEIJING) + timedelta(days=7)).replace(hour=9, minute=0)
    page.get_by_label("第一场开始时间").fill(local_input(first))
    page.get_by_label("每场时长（分钟）").fill("60")
    page.get_by_label("两场之间间隔（分钟）").fill("30")
    page.get_by_role("button", name="生成场次方案").click()
    expect(page.get_by_label("第3场开始时间")).to_have_value(local_input(first + timedelta(minutes=180)))
    expect(page.get_by_label("第2场结束时间")).to_have_value(local_input(first + timedelta(minutes=150)))
    check_desktop_page(page, shot, "organizer-day-09-planner")
