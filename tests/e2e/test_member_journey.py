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

    # Answer on until one answer is wrong, so the 错题本 has an entry whatever the bank's order.
    for _ in range(12):
        if page.locator(".practice-verdict--wrong").count():
            break
        page.locator(".practice-next").click()
        if not page.locator(".practice-stem").count():
            page.goto("/practice/")
            page.locator("a.practice-link").nth(1).click()
        if page.locator(".practice-option").count():
            page.locator(".practice-option").first.click()
        else:
            page.locator(".practice-blank").first.fill("不知道")
        page.get_by_role("button", name="提交答案").click()
    expect(page.locator(".practice-verdict--wrong")).to_be_visible()

    # The wrong-answer book holds the practice miss and leads back to the text. (Checked before the exam:
    # while the exam's answers are withheld, its questions, this one perhaps among them, stay out of the book.)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="错题本", exact=True).click()
    expect(page.locator(".book-entry").first).to_be_visible()
    check_phone_page(page, shot, "member-18-wrong-book")
    link = page.locator(".book-entry a", has_text="查看原文").first
    link.click()
    expect(page).to_have_url(re.compile(r"/study/[\w-]+/\d+(#art-\d+)?$"))
    if "#" in page.url:
        expect(page.locator(f"#{page.url.rsplit('#', 1)[1]}")).to_be_in_viewport()
    check_phone_page(page, shot, "member-19-article")

    # The demo exam: answer, lose the network, come back, reload, answer card, flag, submit.
    page.on("dialog", lambda dialog: dialog.accept())  # "开始后计时……确定开始考试吗？"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="考试", exact=True).click()
    check_phone_page(page, shot, "member-12-exams")
    page.get_by_role("button", name="开始考试").first.click()
    expect(page.locator("#exam")).to_be_visible()
    check_phone_page(page, shot, "member-13-exam")
    status = page.locator("#exam-save-status")
    current = page.locator(".exam-q:not([hidden])")
    current.locator(".exam-option").first.click()
    expect(status).to_have_text("已保存")
    current.get_by_role("link", name="下一题").click()
    expect(current).to_have_attribute("data-position", "2")
    context.watch.offline_ok = True
    context.set_offline(True)
    current.locator(".exam-option").first.click()
    expect(status).to_contain_text("未保存")
    shot(page, "member-14-exam-unsaved")
    context.set_offline(False)
    expect(status).to_have_text("已保存", timeout=20_000)
    context.watch.offline_ok = False
    page.reload()
    expect(page.locator(".exam-q input:checked")).to_have_count(2)
    expect(current).to_have_attribute("data-position", "2")  # back at the question the member was on

    # The answer card jumps to question 5; flag it and answer it.
    page.get_by_role("link", name="答题卡").first.click()
    expect(page.locator("#exam-card")).to_be_in_viewport()
    shot(page, "member-15-exam-card")
    page.locator("[data-cell=\"5\"]").click()
    expect(current).to_have_attribute("data-position", "5")
    current.get_by_role("button", name="标记此题").click()
    current.locator(".exam-option").last.click()
    expect(status).to_have_text("已保存")
    expect(page.locator('[data-cell="5"]')).to_have_class(re.compile(r"is-flagged"))
    expect(page.locator(".exam-card__cell.is-done")).to_have_count(3)

    # Submitting asks first, naming the unanswered questions.
    page.locator(".exam-bar__submit").click()
    confirm = page.get_by_role("dialog", name="确认交卷")
    expect(confirm).to_contain_text("未作答：第3–4、6–")
    check_phone_page(page, shot, "member-16-exam-confirm")
    confirm.get_by_role("button", name="确认交卷").click()
    page.wait_for_url(re.compile(r"/result$"))
    expect(page.locator(".result-score")).to_contain_text("分")
    expect(page.locator("main")).to_contain_text("全部场次（含补考）结束后公布")  # no key while others still sit
    check_phone_page(page, shot, "member-17-exam-result")

