"""An organizer on a 390 px phone records this month's 支委会 with attendance, and the branch's calendar
cell for it turns from 未开展 (yellow) to 已开展 (green)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .checks import check_phone_page
from .conftest import DEMO_PASSWORD, PHONE
from .test_member_journey import log_in

pytestmark = pytest.mark.e2e


def test_organizer_records_a_committee_meeting_on_a_phone(new_context, shot):
    page = new_context(PHONE).new_page()
    log_in(page, "organizer1", DEMO_PASSWORD)
    page.goto("/manage/ledger")
    check_phone_page(page, shot, "ledger-01-calendar")
    page.get_by_role("link", name="第一党支部").first.click()
    month = datetime.now(ZoneInfo("Asia/Shanghai")).month
    cell = page.locator(f'[data-kind="committee"][data-period="{month}"]')
    expect(cell).to_have_attribute("data-state", "pending")
    check_phone_page(page, shot, "ledger-02-branch-before")

    page.get_by_role("link", name="记录活动").click()
    check_phone_page(page, shot, "ledger-03-form")
    page.get_by_label("活动类型").select_option(label="支部委员会会议")
    page.get_by_label("主题").fill("研究本月发展党员工作")
    page.get_by_label("结束时间").fill(page.get_by_label("开始时间").input_value())
    page.get_by_label("地点").fill("三楼党员活动室")
    page.get_by_role("button", name="全部出席").click()
    absent = page.locator("select[data-attendance]").nth(1)
    absent.select_option(label="请假")
    page.locator("input[name^=reason-]").nth(1).fill("出差")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".alert-success")).to_contain_text("活动记录已保存")
    expect(page.locator("main")).to_contain_text("请假（出差）")
    check_phone_page(page, shot, "ledger-04-detail")
    page.get_by_role("link", name="第一党支部").click()
    cell = page.locator(f'[data-kind="committee"][data-period="{month}"]')
    expect(cell).to_have_attribute("data-state", "done")
    expect(cell).to_have_class("ledger-cell ledger-state--done")
    assert cell.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(227, 243, 232)"  # the green
    check_phone_page(page, shot, "ledger-05-branch-after")


def test_member_sees_the_branchs_activities_on_a_phone(new_context, shot):
    page = new_context(PHONE).new_page()
    log_in(page, "member0001", DEMO_PASSWORD)
    page.goto("/ledger/")
    expect(page.locator("main")).to_contain_text("您出席")
    check_phone_page(page, shot, "ledger-06-member")
    page.locator(".ledger-list a").first.click()
    check_phone_page(page, shot, "ledger-07-member-activity")
