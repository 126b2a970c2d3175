"""Stored XSS, browser side: payloads written into every field members and organizers can write are loaded
in headless Chromium, and no script of theirs ever runs.

A live gunicorn serves a fresh database (`flask init-db` + `flask demo`) poisoned before the server starts
by `_poison()` through the services (chapters, question edits, group study) and plain column writes for
names and titles (what the forms store). An init script turns `window.__xss` into a trap: any write to it
is counted. The admin, an organizer and a member then walk every page they can reach by links (plus a
practice answer with feedback and a whole exam with its result); javascript: links are clicked. The
payload text must be visible (escaped) on pages, so the check cannot pass by showing nothing.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import (CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, DESKTOP, ROOT, _seed,  # noqa: F401
                                e2e_database, gunicorn)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

COUNTER = "window.__xss=(window.__xss||0)+1"
PAYLOADS = [f"<script>{COUNTER}</script>", f'<img src=x onerror="{COUNTER}">', f'<svg onload="{COUNTER}">',
            f'"><script>{COUNTER}</script>', "[x](javascript:window.__xss=1)", "{{7*7}}"]
MARKER = "{{7*7}}"  # visible wherever a poisoned field is shown, escaped or sanitized

TRAP = """(() => {
  const hits = []; let value;
  Object.defineProperty(window, '__xss', {configurable: false,
    get() { return value; }, set(v) { hits.push(String(v)); value = v; }});
  Object.defineProperty(window, '__xssHits', {value: hits});
  window.__csp = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.sample || '')));
})();"""

SKIP = ("/logout", "/static/", "/api/", "export", "download", ".xlsx", ".csv", ".zip", "/healthz")


def _poison() -> None:
    """Run in a subprocess against STUDYAPP_DATABASE_URL before the server starts."""
    from datetime import timedelta

    from sqlalchemy import select

    from studyapp import create_app
    from studyapp.database import intending_to_write
    from studyapp.domain.questions.draft import QuestionDraft
    from studyapp.extensions import db
    from studyapp.models import Chapter, Module, Question, Unit, User
    from studyapp.models.contests import Contest, ContestAudience
    from studyapp.models.exams import Exam, Sitting
    from studyapp.models.types import utcnow
    from studyapp.services import chapters, group_study, questions
    from studyapp.services.scope import managed_unit_ids

    text = " ".join(PAYLOADS)
    markdown = "\n\n".join(PAYLOADS) + '\n\n<a href="javascript:window.__xss=1">a</a>\n'
    app = create_app()
    with app.app_context(), intending_to_write():
        session, now = db.session, utcnow()
        admin = session.scalar(select(User).where(User.username == "admin"))
        organizer = session.scalar(select(User).where(User.username == "organizer1"))
        member = session.scalar(select(User).where(User.username == "member0001"))
        branch = session.get(Unit, organizer.unit_id)
        branch.name = f"第一支部{PAYLOADS[1]}{MARKER}"[:100]
        member.name = f"{PAYLOADS[3]}{MARKER}"[:64]
        organizer.name = f"{PAYLOADS[2]}{MARKER}"[:64]
        for n, other in enumerate(session.scalars(select(User).where(User.unit_id == branch.id,
                                                                     User.role == "member")).all()[1:6]):
            other.name = f"{PAYLOADS[n % 4]}{n}"[:64]
        for module in session.scalars(select(Module)):
            module.title = f"{module.title}{PAYLOADS[0]}{MARKER}"[:200]
            module.summary = text
            chapter = session.scalars(select(Chapter).where(Chapter.module_id == module.id)
                                      .order_by(Chapter.number)).first()
            if chapter is not None:
                chapters.save_chapter(session, admin, module, chapter, chapters.ChapterInput(
                    number=chapter.number, title=f"{chapter.title}{PAYLOADS[3]}{MARKER}"[:200],
                    body_md=markdown + "\n\n" + chapter.body_md, lead_note_md=markdown,
                    lead_note_author=PAYLOADS[1]), now)
        # Each edit re-reads the bank, so not the whole bank: all of chapter 1 (practice) and a spread for the exam.
        for n, question in enumerate(session.scalars(select(Question).where(Question.status == "active")).all()):
            version = question.current
            if version.chapter_number != 1 and n % 4:
                continue
            draft = QuestionDraft(
                key=question.key, qtype=version.qtype, stem_md=f"{version.stem_md}\n\n{PAYLOADS[n % 6]} {MARKER}",
                options=[(o["key"], f'{o["text"]} {PAYLOADS[(i + 1) % 4]}') for i, o in enumerate(version.options)],
                answer=version.answer, explanation_md=f"{version.explanation_md}\n\n{markdown}",
                difficulty=version.difficulty, chapter_number=version.chapter_number,
                article_number=version.article_number, tags=list(version.tags or []))
            questions.edit_question(session, admin, question, draft, now)
        for exam in session.scalars(select(Exam)):
            exam.title = f"{exam.title}{PAYLOADS[0]}{MARKER}"[:200]
        for sitting in session.scalars(select(Sitting)):
            sitting.title = f"{sitting.title}{PAYLOADS[2]}{MARKER}"[:200]
        bank = session.scalar(select(Question.module_id).where(Question.status == "active"))
        contest = Contest(owner_unit_id=branch.id, title=f"知识竞赛{PAYLOADS[3]}{MARKER}", module_id=bank,
                          chapters=[], questions_per_round=3, seconds_per_question=20,
                          latency_allowance_seconds=2, opens_at=now - timedelta(hours=1),
                          closes_at=now + timedelta(days=1), freeze_minutes=0, max_rounds_per_member=3,
                          fast_answer_threshold_ms=1000)
        contest.audience = [ContestAudience(unit_id=branch.id)]
        session.add(contest)
        group_study.save_session(session, organizer, managed_unit_ids(session, organizer), None,
                                 group_study.SessionInput(
                                     title=f"集中学习{PAYLOADS[0]}{MARKER}", starts_at=now + timedelta(hours=1),
                                     ends_at=now + timedelta(hours=3), place=f"三楼{PAYLOADS[1]}{MARKER}",
                                     note=text, unit_ids={branch.id}))
        session.commit()


@pytest.fixture(scope="module")
def poisoned_server(e2e_database, tmp_path_factory):  # noqa: F811
    workdir = tmp_path_factory.mktemp("xss-server")
    env = {**os.environ, "STUDYAPP_DATABASE_URL": e2e_database, "STUDYAPP_SECRET_KEY": "xss-" + uuid.uuid4().hex,
           "STUDYAPP_LOGIN_RATE_LIMIT": "1000 per minute", "PYTHONUNBUFFERED": "1"}
    _seed(env, workdir)
    subprocess.run([sys.executable, "-c", "from tests.security.test_xss_browser import _poison; _poison()"],
                   env=env, check=True, cwd=ROOT)
    with gunicorn(env, workdir) as base:
        yield base


class Visit:
    """One actor's browser tab with the trap installed; check() records what each page did."""

    def __init__(self, browser, base, username):  # noqa: F811
        self.base, self.origin = base, urlsplit(base).netloc
        self.context = browser.new_context(base_url=base, viewport=DESKTOP, locale="zh-CN")
        self.context.set_default_timeout(10_000)
        self.context.add_init_script(TRAP)
        self.page = self.context.new_page()
        self.dialogs, self.problems, self.csp, self.shown = [], [], [], []
        self.page.on("dialog", self._dialog)
        self.page.goto("/login")
        self.page.get_by_label("登录名").fill(username)
        self.page.get_by_label("密码").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_load_state("load")
        assert "/login" not in self.page.url, f"{username} could not log in"

    def _dialog(self, dialog):
        # The app's own "确定开始考试吗？" confirm is expected; any alert/prompt or payload text is not.
        if dialog.type != "confirm" or "xss" in dialog.message:
            self.dialogs.append(f"{dialog.type}: {dialog.message[:80]} on {self.page.url}")
        dialog.accept()

    def check(self):
        page = self.page
        page.wait_for_load_state("load")
        for link in page.locator('a[href^="javascript:" i]').all():
            if link.is_visible():
                link.click(no_wait_after=True)
        state = page.evaluate("() => [window.__xss, window.__xssHits.slice(), window.__csp.slice()]")
        if state[0] is not None or state[1]:
            self.problems.append(f"script ran on {page.url}: __xss={state[0]!r} writes={state[1]}")
        self.csp += [f"{page.url}: {v}" for v in state[2]]
        body = page.locator("body").inner_text()
        if MARKER in body:
            self.shown.append(page.url)

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        out = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc != self.origin or any(s in href for s in SKIP):
                continue
            out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return out

    def crawl(self, starts, limit):
        """Breadth-first over links; one URL per page kind (ids replaced), so a list of 200 members costs one."""
        seen, queue = set(), list(starts)
        while queue and len(seen) < limit:
            url = queue.pop(0)
            kind = re.sub(r"\d+", "N", url)
            if kind in seen:
                continue
            seen.add(kind)
            response = self.page.goto(url)
            if response is None or "html" not in (response.headers.get("content-type") or ""):
                continue
            self.check()
            queue += self.links()
        return seen


def _in_own_thread(walk):
    """Run `walk(browser)` on a thread of its own with its own Playwright: the browser tests' session-wide
    Playwright may still be running on the main thread, and the sync API allows one per thread."""
    box = {}

    def run():
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    box["value"] = walk(chromium)
                finally:
                    chromium.close()
        except BaseException as exc:  # re-raised on the test's thread
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_no_payload_runs_in_the_browser(poisoned_server):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}", pytrace=False)
    visits, result_shown = _in_own_thread(lambda browser: _walk(browser, poisoned_server))
    _judge(visits, result_shown)


def _walk(browser, poisoned_server):
    visits = {}
    member = visits["member"] = Visit(browser, poisoned_server, "member0001")
    member.crawl(["/", "/study/", "/study/search?q=7*7", "/study/search?q=script", "/practice/", "/exams/",
                  "/wrong-book/", "/contests/", "/group-study/"], limit=25)
    page = member.page
    # Practice: a question and its feedback.
    page.goto("/practice/")
    page.locator("a.practice-link").first.click()
    page.locator(".practice-stem").wait_for()
    member.check()
    page.locator(".practice-option").first.click()
    page.get_by_role("button", name="提交答案").click()
    page.locator(".practice-verdict").wait_for()
    member.check()
    # The exam page, then its result and review.
    page.goto("/exams/")
    member.check()
    page.get_by_role("button", name="开始考试").first.click()
    page.locator("#exam").wait_for()
    member.check()
    page.locator(".exam-q:not([hidden]) .exam-option").first.click()
    page.locator("#exam-save-status").filter(has_text="已保存").wait_for()
    page.locator(".exam-bar__submit").click()
    page.get_by_role("dialog", name="确认交卷").get_by_role("button", name="确认交卷").click()
    page.wait_for_url("**/result")
    member.check()
    result_shown = MARKER in page.locator("body").inner_text()
    member.crawl(["/wrong-book/", "/exams/records"], limit=4)

    for actor, username in (("organizer", "organizer1"), ("admin", "admin")):
        visits[actor] = Visit(browser, poisoned_server, username)
        visits[actor].crawl(["/", "/manage/", "/manage/modules", "/manage/questions", "/manage/exams",
                             "/manage/members", "/manage/contests", "/manage/sessions", "/manage/reports",
                             "/admin/members", "/admin/units"], limit=25)

    for v in visits.values():
        v.context.close()
    return visits, result_shown


def _judge(visits, result_shown):
    report = {actor: (len(v.shown), len(v.csp)) for actor, v in visits.items()}
    print(f"\npages showing the payload / CSP violations per actor: {report}")
    for v in visits.values():
        for line in v.csp[:10]:
            print("CSP:", line)
    problems = [p for v in visits.values() for p in v.problems + v.dialogs]
    assert not problems, "\n".join(problems)
    assert result_shown, "the exam result does not show the poisoned question text"
    for actor, v in visits.items():
        assert len(v.shown) >= 5, f"{actor} saw the payload on only {v.shown}, so little was tested"
    member_pages = " ".join(visits["member"].shown)
    for part in ("/study/", "/practice/", "/exams/"):
        assert part in member_pages, f"no {part} page showed the payload to the member"
