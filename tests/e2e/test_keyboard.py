"""The exam page with the keyboard alone: Tab to an option, Space to choose, Enter to submit and confirm."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, DESKTOP
from .test_member_journey import log_in

pytestmark = pytest.mark.e2e


def tab_to(page, selector, limit=120):
    """Press Tab until the focused element matches selector (what a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_exam_with_keyboard_only(new_context, shot):
    page = new_context(DESKTOP).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "member0002", DEMO_PASSWORD)
    page.goto("/exams/")
    tab_to(page, "button")
    while page.evaluate("document.activeElement.textContent.trim()") != "开始考试":
        tab_to(page, "button")
    page.keyboard.press("Enter")
    expect(page.locator("#exam")).to_be_visible()

    tab_to(page, ".exam-q:not([hidden]) input")
    page.keyboard.press("Space")
    expect(page.locator(".exam-q:not([hidden]) input:checked")).to_have_count(1)
    expect(page.locator("#exam-save-status")).to_have_text("已保存")

    tab_to(page, ".exam-submit")
    page.keyboard.press("Enter")
    confirm = page.get_by_role("dialog", name="确认交卷")
    expect(confirm).to_be_visible()
    tab_to(page, "#exam-confirm-go", limit=10)  # focus stays inside the dialog
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/result$"))
    shot(page, "keyboard-result")
