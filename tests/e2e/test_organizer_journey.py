"""An administrator and an organizer on a desktop (1280x800): roster, question bank, live monitor, results."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .checks import assert_labelled, assert_named
from .conftest import DEMO_PASSWORD, DESKTOP, PHONE
from .test_member_journey import log_in

pytestmark = pytest.mark.e2e
ROSTER = "姓名,党员编号,所属支部,手机号,角色\n浏览器导入,e2e0100,第一党支部,13900000100,党员\n浏览器导入二,e2e0101,第二党支部,,党员\n"


def check_desktop_page(page, shot, name):
    page.wait_for_load_state("load")
    assert_labelled(page)
    assert_named(page)
    shot(page, name)


def test_admin_imports_a_roster(new_context, shot):
    page = new_context(DESKTOP).new_page()
    log_in(page, "admin", DEMO_PASSWORD)
    page.goto("/admin/roster")
    check_desktop_page(page, shot, "organizer-01-roster")
    page.locator("input[type=file]").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": ROSTER.encode("utf-8")})
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"新建账号\s*2\s*人"))
    check_desktop_page(page, shot, "organizer-02-roster-result")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    assert "e2e0100" in download.value.path().read_text(encoding="utf-8-sig")


def test_the_administrator_imports_the_excel_template(new_context, shot, tmp_path):
    page = new_context(DESKTOP).new_page()
    # The demo bank is installation-wide: only the administrator changes it (a branch organizer reads it).
    log_in(page, "admin", DEMO_PASSWORD)
    page.goto("/manage/questions/import")
    check_desktop_page(page, shot, "organizer-03-question-import")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("模板")).first.click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    page.locator("input[type=file]").set_input_files(template)
    page.get_by_role("button", name="检查并导入").click()
    expect(page.locator(".alert-success")).to_contain_text("已导入")
    check_desktop_page(page, shot, "organizer-04-question-list")


def test_monitor_results_and_exports(new_context, shot):
    organizer = new_context(DESKTOP).new_page()
    log_in(organizer, "organizer1", DEMO_PASSWORD)
    organizer.goto("/manage/reports")
    check_desktop_page(organizer, shot, "organizer-05-reports")
    organizer.get_by_role("link", name="实时监控").first.click()
    expect(organizer).to_have_url(re.compile(r"/monitor$"))
    monitor_url = organizer.url

    # A member of the organizer's branch sits the exam in another browser.
    member = new_context(PHONE).new_page()
    member.on("dialog", lambda dialog: dialog.accept())
    log_in(member, "member0001", DEMO_PASSWORD)
    member.goto("/exams/")
    member.get_by_role("button", name="开始考试").first.click()
    member.locator(".exam-q:not([hidden]) .exam-option").first.click()
    expect(member.locator("#exam-save-status")).to_have_text("已保存")

    organizer.goto(monitor_url)
    expect(organizer.locator("main")).to_contain_text(re.compile(r"作答中\s*1"))
    check_desktop_page(organizer, shot, "organizer-06-monitor")

    member.locator(".exam-bar__submit").click()
    member.get_by_role("dialog", name="确认交卷").get_by_role("button", name="确认交卷").click()
    member.wait_for_url(re.compile(r"/result$"))

    organizer.goto(monitor_url.rsplit("/", 1)[0])
    check_desktop_page(organizer, shot, "organizer-07-results")
    organizer.get_by_role("link", name="未参考名单").first.click()
    expect(organizer.locator("main table, main .table-wrap").first).to_be_visible()
    check_desktop_page(organizer, shot, "organizer-08-chase")
    with organizer.expect_download() as download:
        organizer.get_by_role("link", name=re.compile("Excel")).first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    organizer.goto(monitor_url.rsplit("/", 1)[0])
    organizer.get_by_role("link", name="试题分析").first.click()
    check_desktop_page(organizer, shot, "organizer-09-items")
    with organizer.expect_download() as download:
        organizer.get_by_role("link", name=re.compile("CSV")).first.click()
    assert download.value.suggested_filename.endswith(".csv")
