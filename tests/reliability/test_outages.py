"""The database or Redis goes away mid-sitting and comes back, while members save and submit against a
real gunicorn: requests during the outage get 503 with Retry-After (never a 500, never a hang past the
client's timeout), members retry what was pending as the exam page does, the same workers reconnect by
themselves, and afterwards every acknowledged save and submit is in the database.

PostgreSQL is reached through a TCP proxy inside the test: cutting it drops every connection and
refuses new ones, as a restart does, without disturbing other users of the shared server. Redis is a
private redis-server the test starts, kills with SIGKILL and starts again on the same port. Bounded: a
few seconds of load before, during and after each outage."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url

from studyapp.models.exams import Answer, Attempt
from tests.conftest import PG_URL
from tests.reliability.test_faults import ROOT, _free_port, _member, _seed, served_database  # noqa: F401

pytestmark = pytest.mark.slow
MEMBERS = 6
CLIENT_TIMEOUT = 15  # seconds: what a phone's browser would wait before giving up
OUTAGE_SECONDS = 3


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target. `cut()` resets every connection and, until `restore()`,
    resets each new one at once, as a server that is restarting does (the listener stays open, so the
    port cannot be taken by anyone else meanwhile)."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.down = False
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            self.down = True
            doomed, self.sockets = self.sockets, []
        for sock in doomed:
            _reset(sock)

    def restore(self) -> None:
        with self.lock:
            self.down = False

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                down = self.down
            if down:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self.lock:
                if self.down:
                    _reset(client)
                    _reset(upstream)
                    continue
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _reset(source)
            _reset(sink)


def _reset(sock: socket.socket) -> None:
    """Drop a connection as when the peer process is gone. shutdown() first: a plain close() would
    not wake the pipe thread blocked in recv() on it, and the connection would live on."""
    for step in (lambda: sock.shutdown(socket.SHUT_RDWR),
                 lambda: sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"),
                 sock.close):
        try:
            step()
        except OSError:
            pass


class Sitting:
    """Members who log in, start, save and submit, retrying whatever was not acknowledged."""

    def __init__(self, base: str, sitting_id: int, qids: list[int]):
        self.base, self.sitting_id, self.qids = base, sitting_id, qids
        self.acked_saves: list[tuple[int, int, str, int]] = []
        self.acked_submits: dict[int, float] = {}
        self.statuses: list[tuple[float, int]] = []
        self.problems: list[str] = []
        self.started: set[int] = set()  # members with their attempt and token
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._member, args=(n,)) for n in range(MEMBERS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(CLIENT_TIMEOUT * 3)

    def _record(self, response: requests.Response) -> requests.Response:
        with self.lock:
            self.statuses.append((time.monotonic(), response.status_code))
            # Any refusal but "retry later" is a problem: a 400 or 401 here would mean members who silently
            # stopped saving, as a member without its CSRF token once did.
            if response.status_code >= 400 and not (response.status_code == 503 and response.headers.get("Retry-After")):
                self.problems.append(f"{response.request.method} {response.url}: {response.status_code} "
                                     f"{response.text[:200]!r}")
        return response

    def _call(self, session: requests.Session, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.monotonic()
        try:
            return self._record(session.request(method, f"{self.base}{path}", timeout=CLIENT_TIMEOUT, **kwargs))
        except requests.RequestException as exc:
            with self.lock:
                self.problems.append(f"{method} {path}: no answer after {time.monotonic() - started:.1f} s: {exc!r}")
            return None

    def _member(self, n: int) -> None:
        rng = random.Random(n)
        session, attempt_id, headers = None, None, {}
        while attempt_id is None:  # log in and start, again while the service is unavailable
            if self.stop.is_set():
                self.problems.append(f"member {n} could not start")
                return
            try:
                session = _member(self.base, n)
                index = self._call(session, "GET", "/exams/")
                form_token = index.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
                response = self._call(session, "POST", f"/exams/sittings/{self.sitting_id}/start",
                                      data={"csrf_token": form_token})
                started = int(response.url.rstrip("/").split("/")[-1])
                token = response.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
                # Both or neither: a start whose exam page then met the outage has no token to send yet.
                attempt_id, headers = started, {"X-CSRFToken": token, "Accept": "application/json"}
                with self.lock:
                    self.started.add(n)
            except (requests.RequestException, AttributeError, IndexError, ValueError):
                time.sleep(0.2)
        seq, pending = 0, None
        while not self.stop.is_set():
            if pending is None:
                seq += 1
                pending = (rng.choice(self.qids), rng.choice("ABCD"), seq)
            question, answer, number = pending
            if number > 5 and n % 2 == 0:  # half the members submit, some around the outage
                reply = self._call(session, "POST", f"/exams/attempts/{attempt_id}/submit", headers=headers)
                if reply is not None and reply.status_code == 200:
                    with self.lock:
                        self.acked_submits[attempt_id] = reply.json()["score"]
                    return
            else:
                reply = self._call(session, "PUT", f"/exams/attempts/{attempt_id}/answers/{question}",
                                   data=json.dumps({"answer": answer, "seq": number}),
                                   headers={**headers, "Content-Type": "application/json"})
                if reply is not None and reply.status_code == 200:
                    if reply.json()["stored"]:
                        with self.lock:
                            self.acked_saves.append((attempt_id, question, answer, number))
                    pending = None  # acknowledged: the page forgets it
                    continue
            # Not acknowledged: the page waits a little and sends the same answer again.
            retry = reply.headers.get("Retry-After") if reply is not None else None
            time.sleep(min(float(retry or 1), 1.0) * 0.3)

    def wait_for_starts(self, seconds: float) -> int:
        """A member whose start met the outage starts again once it is over (its login hashes a password,
        slow on a busy machine): stopping the run before then would count them as unable to start."""
        until = time.monotonic() + seconds
        while len(self.started) < MEMBERS and time.monotonic() < until:
            time.sleep(0.1)
        return len(self.started)

    def wait_for_saves(self, more: int, seconds: float) -> int:
        before = len(self.acked_saves)
        until = time.monotonic() + seconds
        while len(self.acked_saves) < before + more and time.monotonic() < until:
            time.sleep(0.1)
        return len(self.acked_saves) - before

    def check_database(self, url: str) -> None:
        from studyapp import create_app
        from studyapp.extensions import db

        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
        with app.app_context():
            stored = {(a.attempt_id, a.question_id): (a.response, a.client_seq) for a in db.session.scalars(select(Answer))}
            latest: dict[tuple[int, int], tuple[str, int]] = {}
            for attempt_id, question, answer, seq in self.acked_saves:
                if seq > latest.get((attempt_id, question), ("", -1))[1]:
                    latest[(attempt_id, question)] = (answer, seq)
            for key, (answer, seq) in latest.items():
                assert key in stored, f"acknowledged save {key} lost"
                assert stored[key][1] >= seq
                if stored[key][1] == seq:
                    assert stored[key][0] == answer
            attempts = {a.id: a for a in db.session.scalars(select(Attempt))}
            for attempt_id, score in self.acked_submits.items():
                assert attempts[attempt_id].status == "submitted" and attempts[attempt_id].score == score
            db.session.remove()
            db.engine.dispose()


def _serve(url: str, port: int, log: Path, **env) -> subprocess.Popen:
    environment = {**os.environ, "STUDYAPP_DATABASE_URL": url, "STUDYAPP_SECRET_KEY": "outage-secret",
                   "STUDYAPP_LOGIN_RATE_LIMIT": "10000 per minute", **env}
    with log.open("a") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4", "-b",
             f"127.0.0.1:{port}", "--graceful-timeout", "2", "studyapp:create_app()"], env=environment, cwd=ROOT,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    pytest.fail("gunicorn did not start:\n" + log.read_text()[-3000:])


def _workers(server: subprocess.Popen) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == server.pid:
                    found.add(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(10)


def _statuses_between(run: Sitting, start: float, end: float) -> list[int]:
    return [status for moment, status in run.statuses if start <= moment <= end]


@pytest.mark.skipif(not PG_URL, reason="a database server restart exists on PostgreSQL only (set "
                                       "STUDYAPP_TEST_DATABASE_URL); SQLite is a file in the app's process")
def test_postgresql_restart_mid_sitting(served_database, tmp_path):
    sitting_id, qids = _seed(served_database)
    direct = make_url(served_database)
    proxy = TcpProxy((direct.host or "127.0.0.1", direct.port or 5432))
    through_proxy = direct.set(port=proxy.port).render_as_string(hide_password=False)
    port, log = _free_port(), tmp_path / "gunicorn.log"
    server = _serve(through_proxy, port, log)
    run = Sitting(f"http://127.0.0.1:{port}", sitting_id, qids)
    try:
        run.start()
        assert run.wait_for_saves(3 * MEMBERS, 30) >= 3 * MEMBERS, log.read_text()[-2000:]
        workers = _workers(server)
        outage_start = time.monotonic()
        proxy.cut()  # PostgreSQL "restarts": every connection drops, new ones are refused
        time.sleep(OUTAGE_SECONDS)
        proxy.restore()
        outage_end = time.monotonic()
        assert run.wait_for_saves(3 * MEMBERS, 30) >= 3 * MEMBERS, "saving did not resume:\n" + log.read_text()[-2000:]
        assert run.wait_for_starts(30) == MEMBERS, "starting did not resume:\n" + log.read_text()[-2000:]
        run.finish()
        assert _workers(server) == workers  # the same processes reconnected: no worker was restarted
    finally:
        run.stop.set()
        _stop(server)
        proxy.close()
    assert not run.problems, "\n".join(run.problems[:5]) + "\n" + _first_traceback(log.read_text())
    during = _statuses_between(run, outage_start + 0.5, outage_end)
    assert 503 in during, f"no request met the outage: {sorted(set(during))}"
    assert set(during) <= {200, 302, 503}, sorted(set(during))
    assert len(run.acked_submits) >= 1
    run.check_database(served_database)


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server on a free port, restartable on the same port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is needed for this test (apt-get install redis-server)")
    port = _free_port()

    def start() -> subprocess.Popen:
        process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--dir", str(tmp_path)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return process
            except OSError:
                time.sleep(0.05)
        process.kill()
        pytest.fail("redis-server did not start")

    class Handle:
        def __init__(self):
            self.port, self.process = port, start()

        def kill(self):
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(5)

        def restart(self):
            self.process = start()

    handle = Handle()
    yield handle
    if handle.process.poll() is None:
        handle.process.kill()
        handle.process.wait(5)


def test_redis_restart_mid_sitting(served_database, redis_server, tmp_path):
    """Redis holds only rate-limit counters: members keep saving, submitting and logging in through
    its outage (the limits count in memory meanwhile), and the shared counts resume afterwards."""
    sitting_id, qids = _seed(served_database)
    port, log = _free_port(), tmp_path / "gunicorn.log"
    server = _serve(served_database, port, log,
                    STUDYAPP_RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_server.port}/0")
    base = f"http://127.0.0.1:{port}"
    run = Sitting(base, sitting_id, qids)
    try:
        run.start()
        assert run.wait_for_saves(3 * MEMBERS, 30) >= 3 * MEMBERS, log.read_text()[-2000:]
        workers = _workers(server)
        redis_server.kill()
        started = time.monotonic()
        saved = run.wait_for_saves(2 * MEMBERS, OUTAGE_SECONDS * 3)
        # A login while Redis is down works too (its limits are counted in memory meanwhile).
        login = requests.Session()
        page = login.get(f"{base}/login", timeout=CLIENT_TIMEOUT).text
        token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
        logged_in = login.post(f"{base}/login", data={"username": f"m{MEMBERS}", "password": "fault-horse-7",
                                                      "csrf_token": token}, timeout=CLIENT_TIMEOUT, allow_redirects=False)
        assert time.monotonic() - started < CLIENT_TIMEOUT * 2
        redis_server.restart()
        assert run.wait_for_saves(2 * MEMBERS, 30) >= 2 * MEMBERS, log.read_text()[-2000:]
        assert run.wait_for_starts(30) == MEMBERS, log.read_text()[-2000:]
        run.finish()
        assert _workers(server) == workers
    finally:
        run.stop.set()
        _stop(server)
    assert saved >= 2 * MEMBERS, "saving stopped while Redis was down"
    assert logged_in.status_code == 302, logged_in.status_code
    assert not run.problems, "\n".join(run.problems[:20])
    assert {status for _, status in run.statuses} <= {200, 302}
    run.check_database(served_database)


def _first_traceback(text: str, size: int = 6000) -> str:
    """The server log from its first traceback on: a failure's cause, where the log's tail shows only the
    last of many repeated errors."""
    start = text.find("Traceback")
    return text[start:start + size] if start >= 0 else text[-size:]
