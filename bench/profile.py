"""Per-request CPU of the hot paths next to the bare-Flask baseline's, and pyinstrument profiles of them.

    python bench/profile.py [--members 500] [--repeat 40] [--pg] [--pg-url URL]

Builds a small bench database (bench/build_db.py) and the baseline's tables (bench/baseline_app.py),
then drives both apps in-process with the Flask test client, in this one thread, as logged-in members:
chapter read, exam start, autosave (the page's PUT and the API's), submit, and each one's baseline
request (/chapter, /core/save, /core/submit; the prepared start against /core/save, as the
synchronized-start target has it). Every path is first run a few times unmeasured (statement
caches, compiled templates: a served worker is past those), then timed with the profiler off: CPU ms per request (time.thread_time: what the request costs this process, which a
busy machine does not inflate the way it does wall time), wall ms, and SQL statements per request
(every statement sent through SQLAlchemy; SQLite's BEGIN and COMMIT go to the driver directly and are not counted). Further requests run under
pyinstrument; each path's profile goes to bench/results/profile-<path>.txt and the figures to
bench/results/profile-<backend>.json.

--pg uses PostgreSQL: a database of its own (studyapp_profile, created and dropped), so it can run
while bench/run.py --pg uses studyapp_bench.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pyinstrument import Profiler  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from build_db import build  # noqa: E402
from client import answer_for, logged_in, parse_paper  # noqa: E402
from run import PG_ADMIN_URL, database  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PG_DB = "studyapp_profile"
#: Requests of each path run before timing: the first requests build statement and template caches.
WARM_UP = 5
#: --sql: print the statements of one request of each path.
SHOW_SQL = False
#: Of each member's 50 autosaves, this many are timed and as many profiled (the rest fill the paper);
#: as many chapter reads per member.
SAVES_MEASURED = 10


@dataclass
class Figures:
    path: str
    requests: int
    cpu_ms: float
    wall_ms: float
    statements: float
    baseline: str = ""
    baseline_cpu_ms: float | None = None
    baseline_statements: float | None = None


class StatementCounter:
    """Statements sent by any engine of this process (the app's and the baseline's)."""

    def __init__(self) -> None:
        self.count = 0
        self.last: list[str] = []  # the statements of the latest request
        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.count += 1
        self.last.append(" ".join(statement.split())[:160])


def timed(calls, counter: StatementCounter) -> tuple[float, float, float]:
    """(CPU ms, wall ms, statements) per call, profiler off."""
    statements = counter.count
    cpu, wall = time.thread_time(), time.perf_counter()
    for call in calls:
        counter.last = []
        check(call())
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    return cpu * 1000 / len(calls), wall * 1000 / len(calls), (counter.count - statements) / len(calls)


def check(reply):
    assert reply.status_code < 400, (reply.status_code, reply.get_data(as_text=True)[:300])
    return reply


def measure(name: str, calls: list, counter: StatementCounter, count: int) -> Figures:
    """WARM_UP calls unmeasured, `count` timed, the next `count` profiled (calls are used once each)."""
    assert len(calls) >= WARM_UP + 2 * count, (name, len(calls))
    for call in calls[:WARM_UP]:
        check(call())
    cpu, wall, statements = timed(calls[WARM_UP:WARM_UP + count], counter)
    if SHOW_SQL:
        print(f"-- {name}: the statements of one request", *counter.last, sep="\n   ")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for call in calls[WARM_UP + count:WARM_UP + 2 * count]:
        check(call())
    profiler.stop()
    (RESULTS / f"profile-{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
    return Figures(name, count, round(cpu, 3), round(wall, 3), round(statements, 2))


def api_token(client, username, password) -> str:
    reply = check(client.post("/api/v1/auth/token", json={"username": username, "password": password}))
    return reply.get_json()["token"]


def baseline_figures(url: str, counter: StatementCounter, count: int) -> dict[str, Figures]:
    """The baseline app's requests, in-process the same way (its tables in `url`)."""
    os.environ["BENCH_DATABASE_URL"] = url
    import baseline_app

    baseline_app.URL = url
    baseline_app.prepare(rows=2000)
    client = baseline_app.create_app().test_client()
    n = WARM_UP + 2 * count
    seqs = iter(range(1, 10**6))
    paths = {
        "/hello": [lambda: client.get("/hello")] * n,
        "/chapter": [lambda: client.get("/chapter")] * n,
        "/core/save": [lambda i=i: client.put(f"/core/save/{1 + i}", json={"answer": "A", "seq": next(seqs)})
                       for i in range(n)],
        "/core/submit": [lambda i=i: client.post(f"/core/submit/{1 + i}") for i in range(n)],
    }
    return {path: measure("baseline" + path.replace("/", "-"), calls, counter, count)
            for path, calls in paths.items()}


#: app path -> the baseline request it is compared with (as in bench/run.py TARGETS)
COMPARED_WITH = {"chapter": "/chapter", "start": "/core/save", "save": "/core/save", "save-api": "/core/save",
                 "submit": "/core/submit"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=40, help="requests timed (and as many profiled) per path")
    parser.add_argument("--pg", action="store_true", help=f"PostgreSQL (database {PG_DB}, created and dropped)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_ADMIN_URL),
                        help="any database on the server, used to create and drop the profile database")
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one request of each path")
    args = parser.parse_args()
    global SHOW_SQL
    SHOW_SQL = args.sql
    RESULTS.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp())
    with contextlib.ExitStack() as stack:
        url, baseline_url = stack.enter_context(database(args, workdir, PG_DB))
        figures = run(args, url, baseline_url)
    backend = "postgresql" if args.pg else "sqlite"
    print(f"\n[{backend}] in-process, one thread; per request, profiler off, after {WARM_UP} warm-up requests")
    print(f"{'path':<10} {'n':>4} {'CPU ms':>8} {'wall ms':>8} {'SQL':>5}   {'baseline':<13} {'CPU ms':>7} "
          f"{'SQL':>4}  {'CPU share':>9}")
    for f in figures:
        share = f"{f.baseline_cpu_ms / f.cpu_ms:8.0%}" if f.baseline_cpu_ms else ""
        print(f"{f.path:<10} {f.requests:>4} {f.cpu_ms:8.2f} {f.wall_ms:8.2f} {f.statements:5.1f}   "
              f"{f.baseline:<13} {f.baseline_cpu_ms or 0:7.2f} {f.baseline_statements or 0:4.1f}  {share:>9}")
    print("CPU share: the baseline's CPU per request over the app's, what the req/s ratio tends to when "
          "both are CPU-bound.")
    out = RESULTS / f"profile-{backend}.json"
    out.write_text(json.dumps({"backend": backend, "loadavg": os.getloadavg(), "warm_up": WARM_UP,
                               "figures": [asdict(f) for f in figures]}, indent=2))
    print(f"written {out} and bench/results/profile-<path>.txt")


def run(args, url: str, baseline_url: str) -> list[Figures]:
    info = build(url, args.members)
    from studyapp import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_LIMIT": "100000 per minute"})
    counter = StatementCounter()
    repeat = args.repeat
    sitting, password = info["sitting_id"], info["password"]
    # Each member starts and submits once: warm-up, timed and profiled requests need their own members.
    count = WARM_UP + 2 * repeat
    members = [logged_in(app, f"m{n:05d}", password) for n in range(1, count + 1)]
    figures = []

    slug = info["module_slug"]
    # A read can be repeated: ten per member, so the figure rests on as many requests as autosave's.
    chapters = [lambda c=c, n=n: c.get(f"/study/{slug}/{1 + n % 8}")
                for n, (c, _) in enumerate(members * SAVES_MEASURED)]
    figures.append(measure("chapter", chapters, counter, repeat * SAVES_MEASURED))
    figures.append(measure("start", [lambda c=c, t=t: c.post(f"/exams/sittings/{sitting}/start", data={
        "csrf_token": t}) for c, t in members], counter, repeat))
    papers = []
    api_client = app.test_client()  # an API client sends no session cookie
    for n, (client, token) in enumerate(members, start=1):
        where = client.post(f"/exams/sittings/{sitting}/start", data={"csrf_token": token}).headers["Location"]
        attempt = int(where.split("/attempts/")[1].split("/")[0])
        bearer = {"Authorization": f"Bearer {api_token(api_client, f'm{n:05d}', password)}"}
        papers.append((client, token, bearer, attempt, parse_paper(client.get(where).get_data(as_text=True))))

    def saves(questions_from: int, seq_base: int, api: bool) -> list:
        calls = []
        for n in range(questions_from, 50):
            for client, token, bearer, attempt, questions in papers:
                q = questions[n]
                body = {"answer": answer_for(q, n), "seq": seq_base + n}
                if api:
                    calls.append(lambda h=bearer, a=attempt, q=q, b=body: api_client.put(
                        f"/api/v1/attempts/{a}/answers/{q['qid']}", json=b, headers=h))
                else:
                    calls.append(lambda c=client, t=token, a=attempt, q=q, b=body: c.put(
                        f"/exams/attempts/{a}/answers/{q['qid']}", json=b, headers={"X-CSRFToken": t}))
        return calls

    # Page saves fill every paper (a submit grades 50 answers, as in the sitting); API saves rewrite some.
    page = saves(0, 1, api=False)
    measured = WARM_UP + 2 * repeat * SAVES_MEASURED
    figures.append(measure("save", page[:measured], counter, repeat * SAVES_MEASURED))
    for call in page[measured:]:
        check(call())
    figures.append(measure("save-api", saves(50 - SAVES_MEASURED * 2, 100, api=True)[:measured], counter,
                           repeat * SAVES_MEASURED))
    figures.append(measure("submit", [lambda c=c, t=t, a=a: c.post(f"/exams/attempts/{a}/submit", headers={
        "X-CSRFToken": t, "Accept": "application/json"}) for c, t, _, a, _ in papers], counter, repeat))
    with app.app_context():
        from studyapp.extensions import db

        db.engine.dispose()

    baselines = baseline_figures(baseline_url, counter, repeat * SAVES_MEASURED)  # cheap: many of each
    for f in figures:
        base = baselines[COMPARED_WITH[f.path]]
        f.baseline, f.baseline_cpu_ms, f.baseline_statements = COMPARED_WITH[f.path], base.cpu_ms, base.statements
    return figures


if __name__ == "__main__":
    main()
