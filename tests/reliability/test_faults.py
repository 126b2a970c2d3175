"""Kill -9 the served app (gunicorn master and workers, real processes on loopback) while members save
and submit; restart it; every acknowledged save is there, every acknowledged submit graded exactly once,
and SQLite's integrity check passes. Bounded: a few seconds of load, one crash, one restart."""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import create_engine, select, text

from studyapp.domain import passwords
from studyapp.models import User
from studyapp.models.exams import Answer, Attempt
from studyapp.models.practice import WrongAnswer
from tests.conftest import FIXED_NOW, PG_URL

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 8
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served_database(tmp_path):
    """A database URL for the server processes: a fresh SQLite file or a private PostgreSQL schema."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'faults.sqlite3'}"
        return
    schema = f"f_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={quote(f'-csearch_path={schema}')}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _seed(url: str) -> tuple[int, list[int]]:
    """Tables, a branch, members and an open exam; returns (sitting id, question ids)."""
    from studyapp import create_app
    from studyapp.extensions import db
    from studyapp.models import Module, Question, QuestionVersion, Unit
    from studyapp.models.exams import Exam, ExamFixedQuestion, Sitting, SittingUnit

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
        branch = Unit(name="第一党支部", kind="branch")
        module = Module(slug="faults", title="条例", status="published", source="file")
        db.session.add_all([branch, module])
        db.session.flush()
        pw = passwords.hash_password("fault-horse-7")
        db.session.add_all([User(username=f"m{n}", name=f"党员{n}", unit_id=branch.id, role="member",
                                 password_hash=pw) for n in range(MEMBERS)])
        qids = []
        for n in range(4):
            question = Question(module_id=module.id, key=f"f{n}", status="active", source="file")
            db.session.add(question)
            db.session.flush()
            version = QuestionVersion(question_id=question.id, version_no=1, qtype="single", stem_md="题",
                                      stem_html="<p>题</p>", options=[{"key": k, "text": k} for k in "ABCD"],
                                      answer="B", explanation_md="", explanation_html="", difficulty=2,
                                      chapter_number=1, article_number=None, tags=[], checksum=f"{n:064d}")
            db.session.add(version)
            db.session.flush()
            question.current_version_id = version.id
            qids.append(question.id)
        exam = Exam(owner_unit_id=branch.id, module_id=module.id, title="断电测试", mode="fixed", time_limit_minutes=60,
                    pass_percent=60, attempts_allowed=1, counting="highest", shuffle_questions=False,
                    shuffle_options=False, multiple_policy="all_or_nothing", review_policy="immediate",
                    status="published", fixed_questions=[ExamFixedQuestion(position=n + 1, question_id=q, points=10)
                                                         for n, q in enumerate(qids)])
        db.session.add(exam)
        db.session.flush()
        from studyapp.models.types import utcnow

        start = utcnow() - timedelta(minutes=5)
        sitting = Sitting(exam_id=exam.id, title="第一场", opens_at=start, closes_at=start + timedelta(hours=3),
                          units=[SittingUnit(unit_id=branch.id)])
        db.session.add(sitting)
        db.session.commit()
        sitting_id = sitting.id
        db.session.remove()
        db.engine.dispose()
    return sitting_id, qids


def _serve(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "STUDYAPP_DATABASE_URL": url, "STUDYAPP_SECRET_KEY": "faults-secret",
           "STUDYAPP_LOGIN_RATE_LIMIT": "10000 per minute"}
    with log.open("a") as out:  # the child keeps its own copy of the descriptor
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4", "-b",
             f"127.0.0.1:{port}", "studyapp:create_app()"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group: kill -9 reaches master and workers
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    pytest.fail("gunicorn did not start:\n" + log.read_text()[-3000:])


def _member(base: str, n: int) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=10).text
    token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    session.post(f"{base}/login", data={"username": f"m{n}", "password": "fault-horse-7", "csrf_token": token},
                 timeout=10)
    return session


def test_kill_minus_nine_mid_run_loses_no_acknowledged_write(served_database, tmp_path):
    sitting_id, qids = _seed(served_database)
    port, log = _free_port(), tmp_path / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    server = _serve(served_database, port, log)
    # WTF_CSRF is on in the served app: members use a page's token as the exam page's script does.
    acked_saves: list[tuple[int, int, str, int]] = []  # (attempt, question, answer, seq)
    acked_submits: dict[int, float] = {}
    stop = threading.Event()
    problems: list[str] = []

    def member(n: int):
        rng = random.Random(n)
        while True:  # log in and start, retrying while the server is down
            try:
                session = _member(base, n)
                index = session.get(f"{base}/exams/", timeout=10).text
                form_token = index.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
                response = session.post(f"{base}/exams/sittings/{sitting_id}/start",
                                        data={"csrf_token": form_token}, timeout=10)
                attempt_id = int(response.url.rstrip("/").split("/")[-1])
                token = response.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
                break
            except (requests.RequestException, IndexError, ValueError) as exc:
                if stop.is_set():
                    problems.append(f"member {n} could not start: {exc!r}")
                    return
                time.sleep(0.1)
        headers = {"X-CSRFToken": token, "Accept": "application/json"}
        seq = 0
        while not stop.is_set():
            seq += 1
            question, answer = rng.choice(qids), rng.choice("ABCD")
            try:
                if seq > 15 and n % 2 == 0:
                    reply = session.post(f"{base}/exams/attempts/{attempt_id}/submit", headers=headers, timeout=10)
                    if reply.status_code == 200:
                        acked_submits[attempt_id] = reply.json()["score"]
                        return
                    continue
                reply = session.put(f"{base}/exams/attempts/{attempt_id}/answers/{question}",
                                    data=json.dumps({"answer": answer, "seq": seq}), timeout=10,
                                    headers={**headers, "Content-Type": "application/json"})
                if reply.status_code == 200 and reply.json()["stored"]:
                    acked_saves.append((attempt_id, question, answer, seq))
            except requests.RequestException:
                time.sleep(0.05)  # the server is down: keep trying, as the page does

    threads = [threading.Thread(target=member, args=(n,)) for n in range(MEMBERS)]
    for thread in threads:
        thread.start()
    until = time.monotonic() + 20
    while len(acked_saves) < 3 * MEMBERS and time.monotonic() < until:  # mid-run: members are saving
        time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)  # master and workers, no chance to clean up
    server.wait(10)
    time.sleep(0.5)
    server = _serve(served_database, port, log)
    before = len(acked_saves)
    until = time.monotonic() + 20
    while len(acked_saves) < before + 3 * MEMBERS and time.monotonic() < until:  # saving again after restart
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(20)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)

    assert acked_saves, f"no save was acknowledged; the load did not run: {problems}\n" + log.read_text()[-2000:]
    from studyapp import create_app
    from studyapp.extensions import db

    app = create_app({"DATABASE_URL": served_database, "SECRET_KEY": "x"})
    with app.app_context():
        stored = {(a.attempt_id, a.question_id): (a.response, a.client_seq) for a in db.session.scalars(select(Answer))}
        latest: dict[tuple[int, int], tuple[str, int]] = {}
        for attempt_id, question, answer, seq in acked_saves:
            if seq > latest.get((attempt_id, question), ("", -1))[1]:
                latest[(attempt_id, question)] = (answer, seq)
        for key, (answer, seq) in latest.items():
            assert key in stored, f"acknowledged save {key} lost"
            assert stored[key][1] >= seq
            if stored[key][1] == seq:
                assert stored[key][0] == answer
        attempts = {a.id: a for a in db.session.scalars(select(Attempt))}
        for attempt_id, score in acked_submits.items():
            assert attempts[attempt_id].status == "submitted" and attempts[attempt_id].score == score
        per_question = db.session.execute(select(WrongAnswer.user_id, WrongAnswer.question_id,
                                                 WrongAnswer.wrong_count)).all()
        # Graded once: each wrong answer counted once (a question left blank is in the book with 0, never 答错).
        assert all(count in (0, 1) for _, _, count in per_question)
        db.session.remove()
        db.engine.dispose()
    if not PG_URL:
        with sqlite3.connect(served_database.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
