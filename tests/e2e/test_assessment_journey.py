"""Branch assessment in the browser: a branch organizer completes the self-assessment on a phone; the
administrator closes the step, reviews the branch and reads the dashboard on a desktop. Evidence is
uploaded on the phone beside the first indicator."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .checks import assert_labelled, assert_named, assert_no_horizontal_overflow, assert_tap_targets
from .conftest import DEMO_PASSWORD, DESKTOP, PHONE
from .test_member_journey import log_in

pytestmark = pytest.mark.e2e
#: Server-side steps (a platform snapshot, a review submit) on a loaded machine can take a few seconds.
WAIT = 15_000


def _fill_scores(page, note):
    """Every open score field at its maximum, with a note."""
    fields = page.locator("input[name^=score-]")
    for index in range(fields.count()):
        field = fields.nth(index)
        field.fill(field.get_attribute("max"))
        page.locator(f"textarea[name=note-{field.get_attribute('name').split('-')[1]}]").fill(note)
    return fields.count()


def test_branch_self_assessment_then_review(new_context, shot):
    phone = new_context(PHONE).new_page()
    phone.on("dialog", lambda dialog: dialog.accept())
    log_in(phone, "organizer1", DEMO_PASSWORD)
    phone.goto("/manage/assessment")
    phone.get_by_role("link", name=re.compile(r"\d{4}年度党支部评估定级")).first.click()
    phone.locator("#results-table").get_by_role("link", name="第一党支部").click()
    expect(phone.locator(".sheet-status")).to_contain_text("请逐项自评打分", timeout=WAIT)
    for check in (assert_labelled, assert_named, assert_tap_targets, assert_no_horizontal_overflow):
        check(phone)
    expect(phone.locator(".evidence").first).to_contain_text("党支部设立批复.pdf")  # from the demo
    phone.locator("input[type=file]").first.set_input_files(
        files=[{"name": "党小组名单.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}])
    phone.get_by_role("button", name="上传佐证材料").first.click()
    expect(phone.locator(".alert-success")).to_contain_text("佐证材料已上传", timeout=WAIT)
    expect(phone.locator(".evidence").first).to_contain_text("党小组名单.png")
    assert _fill_scores(phone, "对照要求自查，材料齐全") >= 8
    phone.get_by_role("button", name="保存评分").click()
    expect(phone.locator(".alert-success")).to_contain_text("评分已保存", timeout=WAIT)
    phone.get_by_role("button", name="提交自评").click()
    expect(phone.locator(".alert-success")).to_contain_text("自评已提交", timeout=WAIT)
    expect(phone.locator("input[name^=score-]")).to_have_count(0)
    shot(phone, "assessment-01-self-assessment-phone")

    desk = new_context(DESKTOP).new_page()
    desk.on("dialog", lambda dialog: dialog.accept())
    log_in(desk, "admin", DEMO_PASSWORD)
    desk.goto("/manage/assessment")
    desk.get_by_role("link", name=re.compile(r"\d{4}年度党支部评估定级")).first.click()
    desk.get_by_role("button", name=re.compile("结束“自查自评”")).click()
    expect(desk.locator(".steps__item.is-current")).to_contain_text("验收", timeout=WAIT)
    desk.locator("#results-table").get_by_role("link", name="第一党支部").click()
    expect(desk.locator(".sheet-status")).to_contain_text("请逐项验收评分", timeout=WAIT)
    _fill_scores(desk, "经核查属实")
    desk.get_by_role("button", name="保存评分").click()
    expect(desk.locator(".alert-success")).to_contain_text("评分已保存", timeout=WAIT)
    desk.get_by_role("button", name="完成验收").click()
    expect(desk.locator(".alert-success")).to_contain_text("验收已完成", timeout=WAIT)
    desk.get_by_role("link", name=re.compile(r"\d{4}年度党支部评估定级")).click()
    expect(desk.locator("svg.histogram")).to_be_visible(timeout=WAIT)
    expect(desk.locator("#results-table")).to_contain_text("已验收", timeout=WAIT)
    assert_labelled(desk)
    assert_named(desk)
    shot(desk, "assessment-02-dashboard-desktop")
    desk.goto("/manage/assessment/problems")
    expect(desk.locator("#chase-text")).to_contain_text("整改提醒", timeout=WAIT)
    shot(desk, "assessment-03-problems-desktop")
