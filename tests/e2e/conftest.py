"""Browser end-to-end fixtures: one live server per test session, driven by Debian's Chromium.

The server is a real gunicorn (2 workers, gthread) on 127.0.0.1 and a free port, over a fresh
database: a SQLite file in a temporary folder, or a private PostgreSQL schema when
STUDYAPP_TEST_DATABASE_URL is set (the schema goes in the URL as libpq `options`, so no config
hook is needed). Tables come from `flask init-db` (the Alembic migrations, as a real install does),
people and content from `flask demo`, and one member with a one-time code from `flask import-members`.

Every page a test opens is watched: a request to any other host, a console error, an uncaught
exception or a serious or critical axe-core violation (tests/e2e/axe.py) fails the test. Screenshots go to test-artifacts/e2e/ for a person to look at.
"""
from __future__ import annotations

import contextlib

import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import create_engine, text

from .axe import AxeWatch

CHROMIUM = os.environ.get("STUDYAPP_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
PG_URL = os.environ.get("STUDYAPP_TEST_DATABASE_URL")
DEMO_PASSWORD = "demo123456"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

#: The member whose first login must choose a password (imported with a one-time code).
NEW_MEMBER = {"姓名": "测试新党员", "党员编号": "e2e0001", "所属支部": "第一党支部", "手机号": "13900000001", "角色": "党员"}


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e is a browser test, whether or not its author remembered the marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory):
    """A database URL nobody else uses, dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'e2e.sqlite3'}"
        return
    schema = f"e2e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _seed(env: dict, workdir: Path) -> dict:
    """Tables, demo data and one imported member; returns that member's one-time code."""
    flask = [sys.executable, "-m", "flask", "--app", "studyapp"]
    subprocess.run([*flask, "init-db"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([*flask, "demo", "--password", DEMO_PASSWORD], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    roster = workdir / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(NEW_MEMBER))
        writer.writeheader()
        writer.writerow(NEW_MEMBER)
    credentials = workdir / "credentials.csv"
    subprocess.run([*flask, "import-members", str(roster), "--credentials", str(credentials)], env=env, check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    with credentials.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, *body = rows
    row = dict(zip(header, body[0]))
    code = next(value for key, value in row.items() if "密码" in key or "口令" in key)
    return {"username": NEW_MEMBER["党员编号"], "code": code}


@contextlib.contextmanager
def gunicorn(env: dict, workdir: Path):
    """gunicorn (2 gthread workers) on a free loopback port over env's database; yields its base URL, always stops it."""
    port = _free_port()
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "2", "studyapp:create_app()"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the live server did not start:\n" + (workdir / "gunicorn.log").read_text()[-4000:])
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def live_server(e2e_database, tmp_path_factory):
    """Base URL of gunicorn serving the app over the seeded database; stopped at the end."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    env = {**os.environ, "STUDYAPP_DATABASE_URL": e2e_database, "STUDYAPP_SECRET_KEY": "e2e-" + uuid.uuid4().hex,
           "STUDYAPP_LOGIN_RATE_LIMIT": "1000 per minute", "PYTHONUNBUFFERED": "1",
           "STUDYAPP_ASSESSMENT_EVIDENCE_DIR": str(workdir / "evidence")}
    seeded = _seed(env, workdir)
    with gunicorn(env, workdir) as base:
        yield type("LiveServer", (), {"url": base, "new_member": seeded, "log": workdir / "gunicorn.log"})()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium. A missing browser is a failure, never a silent skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium fonts-noto-cjk) "
                    "or deselect browser tests with -m 'not e2e'", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What went wrong in a context's pages: foreign requests, console errors, page errors."""

    def __init__(self, base_url: str):
        self.origin = urlsplit(base_url).netloc
        self.problems: list[str] = []
        self.axe = AxeWatch()

    def attach(self, context):
        context.route("**/*", self._route)
        context.on("page", self._page)

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == self.origin:
            route.continue_()
            return
        self.problems.append(f"request to another host: {url}")
        route.abort()

    def _page(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error: {error}"))
        self.axe.attach_page(page)

    def _console(self, message):
        if message.type != "error":
            return
        text_ = message.text
        # Going offline on purpose makes the browser log the failed fetch; the page handles it.
        if self.offline_ok and ("ERR_INTERNET_DISCONNECTED" in text_ or "Failed to load resource" in text_):
            return
        self.problems.append(f"console error: {text_} at {message.location}")

    offline_ok = False


@pytest.fixture
def new_context(browser, live_server, request):
    """make(viewport=PHONE) -> a fresh browser context on the live server, watched for problems."""
    made = []

    def make(viewport=PHONE, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN",
                                      timezone_id="Asia/Shanghai", accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        watch = Watch(live_server.url)
        watch.attach(context)
        context.watch = watch
        made.append(context)
        return context

    yield make
    problems = []
    for context in made:
        try:
            context.watch.axe.finish(context)
        except Exception as exc:  # noqa: BLE001 - reported with the other problems
            problems.append(f"axe: {exc}")
        problems += context.watch.problems + [f"axe: {line}" for line in dict.fromkeys(context.watch.axe.problems)]
        context.close()
    if problems:
        pytest.fail("browser problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def shot(request):
    """shot(page, "name") saves a full-page screenshot under test-artifacts/e2e/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
