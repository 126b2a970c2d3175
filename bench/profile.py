"""Profile the hot paths in-process with pyinstrument: chapter read, exam start, autosave, submit.

    python bench/profile.py [--members 500] [--repeat 40]

Builds a small bench database (bench/build_db.py), then drives the Flask test client as logged-in
members; writes one text profile per path to bench/results/profile-<path>.txt and prints ms/request.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pyinstrument import Profiler  # noqa: E402

from build_db import build  # noqa: E402
from client import answer_for, parse_paper  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def logged_in(app, username, password):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    reply = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert reply.status_code == 302, reply.status_code
    page = client.get("/exams/").get_data(as_text=True)
    return client, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--url", default=None, help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/profile.sqlite3"
    info = build(url, args.members)
    from studyapp import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_LIMIT": "100000 per minute"})
    sitting = info["sitting_id"]
    members = [logged_in(app, f"m{n:05d}", info["password"]) for n in range(1, args.repeat + 1)]

    def measure(name, calls):
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        for call in calls:
            reply = call()
            assert reply.status_code < 400, (name, reply.status_code, reply.get_data(as_text=True)[:300])
        profiler.stop()
        took = (time.perf_counter() - started) / len(calls) * 1000
        (RESULTS / f"profile-{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
        print(f"{name:<10} {took:7.2f} ms/request (in-process, profiler on)")

    slug = info["module_slug"]
    measure("chapter", [lambda c=c, n=n: c.get(f"/study/{slug}/{1 + n % 8}") for n, (c, _) in enumerate(members)])
    measure("start", [lambda c=c, t=t: c.post(f"/exams/sittings/{sitting}/start", data={"csrf_token": t})
                      for c, t in members])
    papers = []
    for client, token in members:
        where = client.post(f"/exams/sittings/{sitting}/start", data={"csrf_token": token}).headers["Location"]
        attempt = int(where.split("/attempts/")[1].split("/")[0])
        papers.append((client, token, attempt, parse_paper(client.get(where).get_data(as_text=True))))
    saves = []
    for n in range(50):
        for client, token, attempt, questions in papers:
            q = questions[n]
            saves.append(lambda c=client, t=token, a=attempt, q=q, n=n: c.put(
                f"/exams/attempts/{a}/answers/{q['qid']}", json={"answer": answer_for(q, n), "seq": n + 1},
                headers={"X-CSRFToken": t}))
    measure("save", saves)
    measure("submit", [lambda c=c, t=t, a=a: c.post(f"/exams/attempts/{a}/submit", headers={
        "X-CSRFToken": t, "Accept": "application/json"}) for c, t, a, _ in papers])


if __name__ == "__main__":
    main()
