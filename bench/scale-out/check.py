"""Scale-out example, exercised: two gunicorn processes (think: two hosts) on two ports sharing one
PostgreSQL database and one Redis, no proxy. A member logs in on A, starts and saves on B, submits on A;
failed logins on A and B count against one shared limit. Everything runs on 127.0.0.1 and is stopped.

    python bench/scale-out/check.py [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

The database `studyapp_scaleout` is created and dropped; Redis is a private redis-server on a free port.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

import requests  # noqa: E402

from build_db import build  # noqa: E402
from client import answer_for, csrf_of, login, parse_paper  # noqa: E402
from harness import ROOT, ServerSpec, free_port, serve  # noqa: E402

DB = "studyapp_scaleout"


@contextlib.contextmanager
def redis_server():
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="scaleout-redis-")
    proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir], stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def database(admin_url: str):
    import psycopg

    admin = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + DB
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    (BENCH / "results").mkdir(exist_ok=True)
    spec = ServerSpec(workers=1, threads=4)
    with database(args.pg_url) as url, redis_server() as redis_url, contextlib.ExitStack() as stack:
        info = build(url, 20)
        # Every host: the same database, the same Redis, the same secret key. Nothing else is shared.
        env = {"STUDYAPP_DATABASE_URL": url, "STUDYAPP_RATELIMIT_STORAGE_URI": redis_url,
               "STUDYAPP_SECRET_KEY": "scale-out-example-secret", "STUDYAPP_LOGIN_RATE_LIMIT": "5 per minute",
               "PYTHONPATH": str(ROOT)}
        hosts = []
        for _ in range(2):
            port = free_port()
            hosts.append(stack.enter_context(serve(spec.gunicorn_cmd("studyapp:create_app()", port), port, env,
                                                   health="/login")))
        a, b = hosts
        http = requests.Session()
        login(http, a, "m00001", info["password"])                        # log in on A
        token = csrf_of(http.get(f"{b}/exams/").text)                      # the session works on B
        started = http.post(f"{b}/exams/sittings/{info['sitting_id']}/start", data={"csrf_token": token},
                            allow_redirects=False)
        attempt = int(started.headers["Location"].split("/attempts/")[1].split("/")[0])
        paper = http.get(f"{b}/exams/attempts/{attempt}").text
        token = csrf_of(paper)
        questions = parse_paper(paper)
        headers = {"X-CSRFToken": token}
        for n, q in enumerate(questions, 1):                               # saves alternate between hosts
            host = b if n % 2 else a
            reply = http.put(f"{host}/exams/attempts/{attempt}/answers/{q['qid']}",
                             json={"answer": answer_for(q, n), "seq": n}, headers=headers)
            assert reply.status_code == 200 and reply.json()["stored"], reply.text
        result = http.post(f"{a}/exams/attempts/{attempt}/submit", headers={**headers, "Accept": "application/json"})
        assert result.status_code == 200, result.text
        again = http.post(f"{b}/exams/attempts/{attempt}/submit", headers={**headers, "Accept": "application/json"})
        assert again.json() == result.json(), "a second submit on the other host returns the same result"
        # The per-address login limit (5 failed logins per minute here) is shared through Redis: three
        # failures on A and two on B make five, then B refuses the 6th and A the 7th. Each try names another
        # login id, so the per-account limit (also shared) plays no part.
        statuses = []
        for n, host in enumerate((a, a, a, b, b, b, a)):
            guest = requests.Session()
            form = csrf_of(guest.get(f"{host}/login").text)
            statuses.append(guest.post(f"{host}/login", data={"username": f"nobody{n}", "password": "wrong",
                                                              "csrf_token": form}).status_code)
        assert statuses == [200, 200, 200, 200, 200, 429, 429], statuses
        report = {"hosts": hosts, "saves": len(questions), "score": result.json()["score"],
                  "shared_login_limit": statuses, "ok": True}
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
