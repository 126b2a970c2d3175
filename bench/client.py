"""A member's browser, reduced to HTTP: log in, read CSRF tokens, parse the exam page, write wrk request lists.

wrk scenarios replay prepared requests (bench/lua/replay.lua): one line per request,
method TAB path TAB cookie TAB csrf TAB body, where %SEQ% in the body becomes a rising client seq.
"""
from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

#: Every simulated browser says the same, and wrk replays send it too (bench/lua/replay.lua): Flask-Login
#: marks a session as used from another device when the User-Agent changes, which rewrites its cookie.
USER_AGENT = "studyapp-bench"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
QUESTION = re.compile(r'data-qid="(\d+)"\s+data-qtype="(\w+)"(.*?)</fieldset>', re.S)
OPTION = re.compile(r'name="q\d+" value="([^"]+)"')
BLANK = re.compile(r'class="form-control mb-2 exam-blank"')


@dataclass
class Member:
    username: str
    cookie: str = ""
    csrf: str = ""
    attempt_id: int | None = None
    questions: list[dict] = field(default_factory=list)  # qid, qtype, keys, blanks


def csrf_of(html: str) -> str:
    found = CSRF_META.search(html) or CSRF_INPUT.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def login(http: requests.Session, base: str, username: str, password: str) -> float:
    """Log in like the form does; returns the POST's latency in seconds (the hashing part)."""
    token = csrf_of(http.get(f"{base}/login", timeout=60).text)
    started = time.perf_counter()
    reply = http.post(f"{base}/login", data={"username": username, "password": password, "csrf_token": token},
                      allow_redirects=False, timeout=60)
    elapsed = time.perf_counter() - started
    if reply.status_code != 302 or "login" in reply.headers.get("Location", "/login"):
        raise RuntimeError(f"login failed for {username}: {reply.status_code}")
    return elapsed


def parse_paper(html: str) -> list[dict]:
    questions = []
    for qid, qtype, body in QUESTION.findall(html):
        questions.append({"qid": int(qid), "qtype": qtype, "keys": OPTION.findall(body),
                          "blanks": len(BLANK.findall(body))})
    return questions


def answer_for(question: dict, n: int):
    """A well-formed answer that varies with n (right or wrong does not matter for the load)."""
    keys = question["keys"]
    if question["qtype"] == "single":
        return keys[n % len(keys)]
    if question["qtype"] == "multiple":
        return sorted(keys[: 1 + n % len(keys)])
    if question["qtype"] == "true_false":
        return n % 2 == 0
    return [f"答{n}"] * question["blanks"]


def login_storm(base: str, usernames: list[str], password: str, concurrency: int = 16) -> tuple[list[Member], dict]:
    """Log members in concurrently; returns their sessions (with a fresh CSRF token) and the storm's figures."""
    def one(username: str) -> tuple[requests.Session, float]:
        http = requests.Session()
        http.headers["User-Agent"] = USER_AGENT
        # The token fetch after the storm reuses a connection the server may have closed as idle (gunicorn's
        # keep-alive is 2 s): GETs are retried on a fresh connection instead of failing the whole run.
        http.mount("http://", HTTPAdapter(max_retries=Retry(total=2, connect=2, read=2, allowed_methods={"GET"},
                                                            backoff_factor=0.1)))
        return http, login(http, base, username, password)

    def token(pair: tuple[str, tuple[requests.Session, float]]) -> tuple[Member, float]:
        username, (http, took) = pair
        member = Member(username)
        member.csrf = csrf_of(http.get(f"{base}/exams/", timeout=60).text)
        member.cookie = f"session={http.cookies.get('session')}"
        return member, took

    with ThreadPoolExecutor(concurrency) as pool:
        started = time.perf_counter()
        logged_in = list(pool.map(one, usernames))  # the storm: login form + POST, nothing else
        wall = time.perf_counter() - started
        done = list(pool.map(token, zip(usernames, logged_in)))
    took = sorted(t for _, t in done)
    figures = {"logins": len(done), "wall_s": round(wall, 2), "per_s": len(done) / wall,
               "p50_ms": took[len(took) // 2] * 1000, "p99_ms": took[min(len(took) - 1, int(len(took) * 0.99))] * 1000}
    return [m for m, _ in done], figures


def write_requests(path: Path, lines: list[tuple[str, str, str, str, str]]) -> Path:
    path.write_text("".join("\t".join(parts) + "\n" for parts in lines))
    return path


def save_lines(members: list[Member]) -> list[tuple]:
    """PUT an answer to each question of each member's paper, interleaved across members."""
    lines = []
    for n in range(max(len(m.questions) for m in members)):
        for member in members:
            if n < len(member.questions):
                q = member.questions[n]
                body = json.dumps({"answer": answer_for(q, n), "seq": 0}).replace('"seq": 0', '"seq": %SEQ%')
                lines.append(("PUT", f"/exams/attempts/{member.attempt_id}/answers/{q['qid']}", member.cookie,
                              member.csrf, body))
    return lines


def logged_in(app, username, password):
    """An in-process Flask test client logged in as the member, and the CSRF token of its pages (the
    profiling scripts drive the app without a server)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    reply = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert reply.status_code == 302, reply.status_code
    page = client.get("/exams/").get_data(as_text=True)
    return client, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
