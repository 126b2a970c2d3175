"""A member on a phone (390x844): first login, study, practice, exam, wrong-answer book.

One long journey on purpose: each step starts where a real member would be after the last one.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .checks import check_phone_page, font_size
from .conftest import PHONE

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "my-own-pass-2026"


def log_in(page, username, password):
    page.goto("/login")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_member_journey(new_context, live_server, shot):
    context = new_context(PHONE)
    page = context.new_page()
    member = live_server.new_member

    # First login with the one-time code: the app insists on a new password before anything else.
    page.goto("/login")
    check_phone_page(page, shot, "member-01-login")
    log_in(page, member["username"], member["code"])
    expect(page.get_by_role("heading", name="设置新密码")).to_be_visible()
    check_phone_page(page, shot, "member-02-change-password")
    page.goto("/study/")
    expect(page.get_by_role("heading", name="设置新密码")).to_be_visible()  # no way around it
    page.get_by_label("当前密码").fill(member["code"])
    page.get_by_label("新密码（至少8位）").fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("heading", name="设置新密码")).to_have_count(0)
    check_phone_page(page, shot, "member-03-home")

    # The study module and a chapter.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="学习", exact=True).click()
    check_phone_page(page, shot, "member-04-modules")
    page.locator("a.tile, a.module-card, main a").filter(has_text="支部工作条例").first.click()
    check_phone_page(page, shot, "member-05-module")
    page.locator(".chapter-list__item").first.click()
    expect(page.locator("#reader h1")).to_be_visible()
    check_phone_page(page, shot, "member-06-chapter")

    # Font-size control: the chapter text grows.
    paragraph = page.locator("#reader p").first
    before = font_size(paragraph)
    page.get_by_role("button", name="放大字号").click()
    page.get_by_role("button", name="放大字号").click()
    after = font_size(paragraph)
    assert after > before * 1.15, (before, after)
    shot(page, "member-07-chapter-large")
    page.get_by_role("button", name="缩小字号").click()
    page.get_by_role("button", name="缩小字号").click()
    assert font_size(paragraph) == pytest.approx(before)

    # Mark the chapter studied.
    page.get_by_role("button", name="学习完成").click()
    expect(page.locator(".chapter-done__status")).to_contain_text("学习完成")
    page.goto(page.url.split("#")[0].rsplit("/", 1)[0] + "/")
    expect(page.locator(".chapter-list__item").first).to_contain_text("已学完")

    # Search with a two-character query.
    page.goto("/study/")
    page.get_by_label("搜索学习内容").fill("党费")
    page.get_by_label("搜索学习内容").press("Enter")
    expect(page).to_have_url(re.compile(r"/study/search\?q="))
    results = page.locator("main mark, main .search-result, main li a")
    expect(results.first).to_be_visible()
    check_phone_page(page, shot, "member-08-search")

    # Practise a chapter with feedback after each answer.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="练习", exact=True).click()
    check_phone_page(page, shot, "member-09-practice")
    page.locator("a.practice-link").first.click()
    expect(page.locator(".practice-stem")).to_be_visible()
    check_phone_page(page, shot, "member-10-practice-question")
    page.locator(".practice-option").first.click()
    page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".practice-verdict")).to_be_visible()
    expect(page.get_by_text("正确答案")).to_be_visible()
    check_phone_page(page, shot, "member-11-practice-feedback")
