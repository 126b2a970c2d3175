"""The benchmark: one command, one table.  `python bench/run.py [--pg] [--full]`

Builds a fresh 10,000-member database through the project's own import and services, serves the app
with gunicorn exactly as README deploys it and the bare-Flask baseline with the same settings, drives
each scenario with wrk (replayed requests of logged-in members), locust (the whole sitting) or, for
contest rounds played while wrk reads the leaderboard, writer threads (bench/contest_load.py), checks
the database afterwards, prints the table and writes bench/results/<backend>-<time>.json.
Everything listens on 127.0.0.1; every process started here is stopped at the end, also on Ctrl-C.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_app  # noqa: E402
import contest_load  # noqa: E402
import harness  # noqa: E402
from client import Member, login_storm, save_lines, write_requests  # noqa: E402
from harness import BENCH, ROOT, VENV_BIN, Result, ServerSpec, free_port, serve, wrk  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_DB = "studyapp_bench"
RESULTS = BENCH / "results"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (database %s, created and dropped)" % PG_DB)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_ADMIN_URL),
                        help="any database on the server, used to create and drop the bench database")
    parser.add_argument("--full", action="store_true", help="longer runs and a bigger sitting (about 25 minutes)")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--logins", type=int, default=1000, help="login storm size; these sessions start, save, submit")
    parser.add_argument("--sync-start", type=int, default=2000,
                        help="members pressing 开始 together on the prepared 10,000-member sitting, in each of the "
                             "synchronized start's two measurements (twice as many log in)")
    parser.add_argument("--sitting", type=int, default=None, help="members in the compressed sitting")
    parser.add_argument("--seconds", type=int, default=None, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite databases in bench/results/work-*")
    parser.add_argument("--quiet-load", type=float, default=1.0,
                        help="before each scenario, wait until the 1-minute load average is below this")
    parser.add_argument("--quiet-wait", type=float, default=120, help="... but wait at most this many seconds")
    args = parser.parse_args(argv)
    args.sitting = args.sitting or (2000 if args.full else 150)
    args.seconds = args.seconds or (30 if args.full else 8)
    return args


@contextlib.contextmanager
def database(args, workdir: Path, name: str = PG_DB):
    """A fresh database URL for this run; PostgreSQL's (`name`) is dropped afterwards."""
    if not args.pg:
        path = workdir / "bench.sqlite3"
        yield f"sqlite:///{path}", f"sqlite:///{workdir / 'baseline.sqlite3'}"
        return
    import psycopg

    admin = args.pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = args.pg_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield url, url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def machine() -> dict:
    load = os.getloadavg()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "loadavg_at_start": [round(x, 2) for x in load]}


def app_env(url: str) -> dict:
    return {"STUDYAPP_DATABASE_URL": url, "STUDYAPP_SECRET_KEY": "bench-secret",
            # Every simulated member comes from 127.0.0.1: the per-address login limit would refuse them.
            "STUDYAPP_LOGIN_RATE_LIMIT": "1000000 per minute", "PYTHONPATH": str(ROOT)}


def replay(base: str, name: str, lines: list, args, once: bool = False, seq_base: int = 0,
           paced: tuple[int, int] | None = None, settle: str = "/login") -> Result:
    """paced=(connections, delay_ms): each connection waits delay_ms between requests (an offered load).
    settle: a page fetched afterwards, which waits for requests still queued in the server."""
    path = write_requests(RESULTS / f"requests-{name.split()[0]}.tsv", lines)
    load = harness.wait_quiet(args.quiet_load, args.quiet_wait)
    seconds = max(args.seconds, 120) if once else args.seconds  # once: ends when the list is used up
    env = {"BENCH_REQUESTS": str(path), "BENCH_ONCE": "1" if once else "0", "BENCH_SEQ_BASE": str(seq_base),
           "BENCH_THREADS": "2", "BENCH_DELAY_MS": str(paced[1] if paced else 0)}
    result = wrk(base, name, seconds, connections=paced[0] if paced else args.connections, threads=2,
                 script="replay.lua", env=env, done_file=RESULTS / "wrk-done.txt" if once else None)
    # Requests still queued in the server when wrk stopped finish before the next step reads the database.
    urllib.request.urlopen(f"{base}{settle}", timeout=60).read()
    result.notes["load_before"] = load
    if once:
        result.notes["sent"] = len(lines)
    print(f"  {name}: {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
          f"errors {result.errors}", flush=True)
    return result


def attach_papers(url: str, members: list[Member], sitting_id: int) -> None:
    """Attempt ids and paper questions of the members, read from the database (the prepared part)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    by_name = {m.username: m for m in members}
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT u.username, a.id, aq.question_id, v.qtype, aq.option_order, v.answer "
            "FROM attempts a JOIN users u ON u.id = a.user_id JOIN attempt_questions aq ON aq.attempt_id = a.id "
            "JOIN question_versions v ON v.id = aq.question_version_id "
            "WHERE a.sitting_id = :s AND a.status = 'in_progress' ORDER BY a.id, aq.position"), {"s": sitting_id})
        for username, attempt_id, qid, qtype, order, answer in rows:
            member = by_name.get(username)
            if member is None:
                continue
            member.attempt_id = attempt_id
            if engine.dialect.name == "sqlite":  # text() leaves JSON undecoded there; psycopg decodes it
                order, answer = json.loads(order), json.loads(answer)
            member.questions.append({"qid": qid, "qtype": qtype, "keys": order,
                                     "blanks": len(answer) if qtype == "fill_blank" else 0})
    engine.dispose()


def fill_answers(url: str, members: list[Member]) -> int:
    """Give every prepared attempt an answer to all 50 questions (so each submit grades a full paper)."""
    from sqlalchemy import create_engine, text

    from client import answer_for

    engine = create_engine(url)
    with engine.begin() as conn:
        have = {tuple(row) for row in conn.execute(text("SELECT attempt_id, question_id FROM answers"))}
        rows = [{"a": m.attempt_id, "q": q["qid"], "r": json.dumps(answer_for(q, n), ensure_ascii=False)}
                for m in members for n, q in enumerate(m.questions) if (m.attempt_id, q["qid"]) not in have]
        if rows:
            now = "2000-01-01 00:00:00+00:00" if engine.dialect.name == "postgresql" else "2000-01-01 00:00:00.000000"
            conn.execute(text("INSERT INTO answers (attempt_id, question_id, response, client_seq, saved_at) "
                              f"VALUES (:a, :q, :r, 1, '{now}') ON CONFLICT (attempt_id, question_id) DO NOTHING"), rows)
    engine.dispose()
    return len(rows)


def run_app(args, url: str, info: dict, spec: ServerSpec, results: list[Result], checks: dict,
            baseline: Baseline) -> None:
    port = free_port()
    cmd = spec.gunicorn_cmd("studyapp:create_app()", port)
    with serve(cmd, port, app_env(url), health="/login") as base:
        password, sitting_id = info["password"], info["sitting_id"]
        print(f"app on {base}: login storm of {args.logins} members", flush=True)
        members, storm = login_storm(base, [f"m{n:05d}" for n in range(1, args.logins + 1)], password,
                                     concurrency=args.connections)
        results.append(Result("login storm (logins/s)", storm["per_s"], storm["p50_ms"], storm["p99_ms"], 0,
                              storm["logins"], notes={"wall_s": storm["wall_s"],
                                                      "target": "1,000 logins in <= 30 s"}))
        print(f"  {storm['logins']} logins in {storm['wall_s']} s ({storm['per_s']:.1f}/s)", flush=True)

        chapter_lines = [("GET", f"/study/{info['module_slug']}/{1 + n % 8}", m.cookie, m.csrf, "")
                         for n, m in enumerate(members)]
        results.append(baseline.twice(lambda part: replay(base, "chapter page (logged in)", chapter_lines, args)))

        crowd = sync_crowd(base, args, info, members)
        # Each member starts once: each measurement is a crowd of --sync-start members of its own.
        walls: list[float] = []
        results.append(baseline.twice(lambda part: synchronized_start(base, args, info, crowd[part::2], walls)))
        sync_done(base, url, info, crowd, checks, results[-1], walls)

        # The on-demand path (a make-up sitting, a member who joined late, a second attempt): the same members
        # start the make-up sitting, whose papers are drawn in the request.
        makeup = [Member(m.username, m.cookie, m.csrf) for m in members]
        start_lines = [("POST", f"/exams/sittings/{info['makeup_sitting_id']}/start", m.cookie, m.csrf,
                        f"csrf_token={m.csrf}") for m in makeup]
        results.append(baseline.twice(lambda part: replay(base, "exam start (draw 50 of the bank)",
                                                          start_lines[part::2], args, once=True)))
        missed = start_missed(base, url, makeup, info["makeup_sitting_id"], checks)
        checks["started"] = {"expected": len(makeup), "attempts_in_progress": len([m for m in makeup if m.attempt_id]),
                             "started_after_replay": len(missed)}

        # Autosave and submit on the storm members' papers of the prepared sitting.
        started = [m for m in members if m.attempt_id]
        results.append(baseline.twice(lambda part: replay(base, "answer autosave", save_lines(started), args,
                                                          seq_base=1000 + part * 10**6)))
        # The real sitting: 10,000 members x 50 saves in 30 minutes is about 280 saves/s offered. wrk paces
        # each connection by a delay after each answer, so the offered rate is 48 / (0.150 s + latency):
        # 320/s at no latency, 280/s at 20 ms; the achieved rate is reported and must reach 250/s.
        real = replay(base, "autosave at real load (~280/s)", save_lines(started), args, seq_base=10**9,
                      paced=(48, 150))
        real.notes["target"] = "p99 < 250 ms at ~280 saves/s"
        real.notes["met"] = real.p99_ms < 250 and real.rps >= 250
        results.append(real)
        checks["filled_answers_for_submit"] = fill_answers(url, started)
        submit_lines = [("POST", f"/exams/attempts/{m.attempt_id}/submit", m.cookie, m.csrf, "") for m in started]
        results.append(baseline.twice(lambda part: replay(base, "exam submit (grade 50)", submit_lines[part::2], args,
                                                          once=True)))
        checks["submit_users"] = [m.username for m in started]

        admin, _ = login_storm(base, [info["admin"]], password, concurrency=1)
        summary = [("GET", f"/manage/reports/sittings/{sitting_id}", admin[0].cookie, admin[0].csrf, "")]
        results.append(baseline.twice(lambda part: replay(base, "results summary (10k sitting)", summary, args)))

        results.extend(run_sitting(base, args, info, checks))
        results.extend(baseline.pair(r) for r in contest_load.run(base, args, url, info, checks, replay))


def start_missed(base: str, url: str, members: list[Member], sitting_id: int, checks: dict) -> list[Member]:
    """Read the members' papers; start those wrk never sent (see below), one plain request each."""
    attach_papers(url, members, sitting_id)
    # wrk stops a thread when its list runs out, dropping the last request or two still in flight (never
    # acknowledged); start those members now, one plain request each, so every member has a paper.
    missed = [m for m in members if not m.attempt_id]
    for member in missed:
        reply = requests.post(f"{base}/exams/sittings/{sitting_id}/start", data={"csrf_token": member.csrf},
                              headers={"Cookie": member.cookie}, allow_redirects=False, timeout=30)
        if reply.status_code >= 400:
            checks.setdefault("start_retry_errors", []).append((member.username, reply.status_code))
    if missed:
        attach_papers(url, members, sitting_id)
    return missed


SYNC = "synchronized start (prepared paper)"


def sync_crowd(base: str, args, info: dict, storm: list[Member]) -> list[Member]:
    """Twice --sync-start members (one crowd per measurement), each with their own session: the storm's, then
    more logged in (not timed)."""
    size = min(2 * args.sync_start, args.members)
    extra = [f"m{n:05d}" for n in range(len(storm) + 1, size + 1)]
    crowd = storm[:size]
    if extra:
        print(f"  logging in {len(extra)} more members for the synchronized start (not timed)", flush=True)
        more, _ = login_storm(base, extra, info["password"], concurrency=args.connections)
        crowd = crowd + more
    return crowd


def synchronized_start(base: str, args, info: dict, crowd: list[Member], walls: list[float]) -> Result:
    """The 09:00 moment: members, each with their own session, press 开始 together on the sitting whose
    papers prepare-sittings drew ahead (timed in the build); each start is one UPDATE."""
    lines = [("POST", f"/exams/sittings/{info['sitting_id']}/start", m.cookie, m.csrf, f"csrf_token={m.csrf}")
             for m in crowd]
    result = replay(base, SYNC, lines, args, once=True)
    walls.append(result.requests / result.rps if result.rps else 0.0)  # wrk's own span (no wait for quiet)
    result.notes["wall_s"] = round(walls[-1], 1)
    result.notes["members"] = len(crowd)
    return result


def sync_done(base: str, url: str, info: dict, crowd: list[Member], checks: dict, result: Result,
              walls: list[float]) -> None:
    """After both halves: every member of the crowd got their prepared paper, within 60 s of starting in all."""
    missed = start_missed(base, url, crowd, info["sitting_id"], checks)
    report = sync_check(url, crowd, info["sitting_id"], info["prepared_max_id"], len(missed))
    report["wall_s"] = round(sum(walls), 1)
    report["within_60_s"] = report["wall_s"] <= 60
    report["p99_within_1_s"] = max(result.p99_ms, result.notes["repeat"]["p99_ms"]) <= 1000
    # Met only if every part is: the ratio (both measurements), p99 <= 1 s, 60 s, every paper the prepared one.
    result.notes["target"] = f">= 60% of {result.baseline}, p99 <= 1 s, every member's prepared paper within 60 s"
    result.notes["met"] = (result.notes.get("met", False) and report["p99_within_1_s"] and report["within_60_s"]
                           and report["ok"])
    checks["synchronized_start"] = report
    print(f"  synchronized start: {len(crowd)} members in {report['wall_s']} s; database check {report}", flush=True)


def sync_check(url: str, crowd: list[Member], sitting_id: int, prepared_max_id: int, missed: int) -> dict:
    """Every member of the crowd has exactly one attempt in progress in the sitting, with a full paper, and it
    is the paper drawn ahead (an id from the build, not one drawn in the request)."""
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(url)
    names = [m.username for m in crowd]
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT u.username, a.id, a.status, (SELECT count(*) FROM attempt_questions aq WHERE aq.attempt_id = a.id) "
            "FROM attempts a JOIN users u ON u.id = a.user_id WHERE a.sitting_id = :s AND u.username IN :names"
        ).bindparams(bindparam("names", expanding=True)), {"s": sitting_id, "names": names}).all()
    engine.dispose()
    started = [r for r in rows if r[2] == "in_progress"]
    report = {
        "members": len(crowd), "in_progress": len(started), "attempts": len(rows),
        "full_papers": sum(1 for r in started if r[3] == 50),
        "from_prepared_papers": sum(1 for r in started if r[1] <= prepared_max_id),
        "started_after_replay": missed,
    }
    report["ok"] = (report["in_progress"] == report["attempts"] == report["full_papers"]
                    == report["from_prepared_papers"] == len(crowd))
    return report


def run_sitting(base: str, args, info: dict, checks: dict) -> list[Result]:
    # After every member of the synchronized start: the sitting's members log in and start themselves.
    first = max(args.logins, 2 * args.sync_start) + 1
    users = [f"m{n:05d}" for n in range(first, min(first + args.sitting, args.members + 1))]
    users_file = RESULTS / "sitting-users.txt"
    users_file.write_text("\n".join(users) + "\n")
    acks = RESULTS / "sitting-acks.json"
    prefix = RESULTS / "sitting"
    env = {**os.environ, "BENCH_USERS_FILE": str(users_file), "BENCH_PASSWORD": info["password"],
           "BENCH_SITTING": str(info["sitting_id"]), "BENCH_ACKS": str(acks), "PYTHONPATH": str(BENCH)}
    load = harness.wait_quiet(args.quiet_load, args.quiet_wait)
    print(f"compressed sitting: {len(users)} members x (login, start, 50 saves, submit)", flush=True)
    started = time.monotonic()
    subprocess.run([str(VENV_BIN / "locust"), "-f", str(BENCH / "sitting_locust.py"), "--headless",
                    "-u", str(min(args.connections, len(users))), "-r", "50", "-H", base,
                    "--run-time", "45m", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                   env=env, check=False, stdout=subprocess.DEVNULL, timeout=3600)
    wall = time.monotonic() - started
    checks["sitting_acks_file"] = str(acks)
    checks["sitting_users"] = users
    out = []
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Name"] != "Aggregated" else "all steps"
            rps = float(row["Requests/s"])
            result = Result(f"sitting: {name}", rps, float(row["50%"]), float(row["99%"]), int(row["Failure Count"]),
                            int(row["Request Count"]), notes={"p95_ms": float(row["95%"])})
            if name == "all steps":
                result.notes["load_before"] = load
                result.notes["wall_s"] = round(wall, 1)
                result.notes["members"] = len(users)
            out.append(result)
    agg = out[-1]
    print(f"  sitting: {agg.requests} requests, {agg.rps:.0f} req/s sustained, p99 {agg.p99_ms:.0f} ms, "
          f"errors {agg.errors}", flush=True)
    return out


BASELINE_REQUESTS = {  # name -> (path, wrk script, its environment)
    "/hello": ("/hello", None, {}), "/chapter": ("/chapter", None, {}),
    "/core/save": ("", "json_put.lua", {"BENCH_PREFIX": "/core/save"}),
    "/raw/save": ("", "json_put.lua", {"BENCH_PREFIX": "/raw/save"}),
    "/core/submit": ("", "json_put.lua", {"BENCH_PREFIX": "/core/submit", "BENCH_METHOD": "POST"}),
    "/raw/submit": ("", "json_put.lua", {"BENCH_PREFIX": "/raw/submit", "BENCH_METHOD": "POST"}),
}


class Baseline:
    """The bare-Flask baseline, served for the whole run and measured right after each app scenario.

    A shared machine's speed drifts by a factor of two within minutes; measured back to back, app and
    baseline see the same machine, which a baseline measured at the end of the run did not.

    A one-off scenario (ONE_OFF: each member starts or submits once) is a burst of about a second through
    bench/lua/replay.lua, each request a row nobody has written since the build. Its target is measured
    against the same burst of baseline requests (burst()): as many, sent the same way, each to a row
    not written since the baseline's tables were made. Measured that way the baseline's own one-row
    write ran 25-40 % below its steady 8-second figure, which a burst compared with a steady run had
    charged to the app. The steady ratio is measured and reported next to it.
    """

    def __init__(self, base: str, args):
        self.base, self.args = base, args
        self.results: list[Result] = []
        self.fresh_row = baseline_app.STEADY_ROWS + 1  # the next /core/save row no request has written

    def measure(self, name: str, scenario: str) -> Result:
        path, script, extra = BASELINE_REQUESTS[name]
        result = wrk(self.base + path, f"baseline {name} (after {scenario.split(' (')[0]})", self.args.seconds,
                     connections=self.args.connections, script=script, env=extra)
        urllib.request.urlopen(f"{self.base}/hello", timeout=60).read()  # let queued requests finish
        print(f"  baseline {name}: {result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms, errors {result.errors}",
              flush=True)
        result.notes["measured_after"] = scenario
        self.results.append(result)
        return result

    def burst(self, name: str, count: int, scenario: str) -> Result:
        """`count` baseline requests sent once each through replay.lua, as a one-off scenario sends its own;
        /core/save writes rows nobody has written yet (as each start changes a paper nobody has started)."""
        if name == "/core/save":
            if self.fresh_row + count > baseline_app.STEADY_ROWS + baseline_app.BURST_ROWS + 1:
                raise SystemExit(f"baseline_app.BURST_ROWS is too small for a burst of {count} more")
            lines = [("PUT", f"/core/save/{self.fresh_row + n}", "", "", '{"answer": "B", "seq": %SEQ%}')
                     for n in range(count)]
            self.fresh_row += count
        elif name == "/core/submit":
            lines = [("POST", f"/core/submit/{n + 1}", "", "", "") for n in range(count)]
        else:
            lines = [("GET", name, "", "", "")] * count
        result = replay(self.base, f"baseline {name} burst (after {scenario.split(' (')[0]})", lines, self.args,
                        once=True, settle="/hello")
        result.notes["measured_after"] = scenario
        self.results.append(result)
        return result

    def pair(self, result: Result) -> Result:
        """Measure the baselines the scenario is compared with (TARGETS) now, and its ratio to them."""
        target = TARGETS.get(result.scenario)
        if target:
            measured = {name: self.measure(name, result.scenario) for name in filter(None, (target[0], target[2]))}
            result.baseline, result.ratio = target[0], result.rps / measured[target[0]].rps
            if result.scenario in ONE_OFF:
                burst = self.burst(target[0], result.notes["sent"], result.scenario)
                result.notes["steady_ratio"] = result.ratio
                result.notes["baseline_rps"] = {"burst": burst.rps, "steady": measured[target[0]].rps}
                result.baseline, result.ratio = f"{target[0]} burst", result.rps / burst.rps
            if target[1]:
                result.notes["target"] = f">= {target[1]:.0%} of {result.baseline}"
                result.notes["met"] = result.ratio >= target[1]
            if target[2]:
                result.notes[f"share_of_{target[2]}"] = round(result.rps / measured[target[2]].rps, 3)
        return result

    def twice(self, run) -> Result:
        """Measure a scenario and its baseline, then both again: one row, both ratios, so the noise shows.

        run(part) measures the scenario (part 0, then 1). The target counts as met only if both ratios meet it.
        """
        first = self.pair(run(0))
        again = self.pair(run(1))
        first.notes["repeat"] = {"rps": again.rps, "p50_ms": again.p50_ms, "p99_ms": again.p99_ms,
                                 "errors": again.errors, "requests": again.requests, "ratio": again.ratio,
                                 "load_before": again.notes.get("load_before")}
        for key in ("steady_ratio", "baseline_rps"):
            if key in again.notes:
                first.notes["repeat"][key] = again.notes[key]
        if "met" in first.notes:
            first.notes["met"] = first.notes["met"] and again.notes["met"]
        return first


@contextlib.contextmanager
def baseline_server(args, url: str, spec: ServerSpec):
    env = {"BENCH_DATABASE_URL": url, "PYTHONPATH": str(BENCH)}
    subprocess.run([sys.executable, "-c", "import baseline_app; baseline_app.prepare()"], env={**os.environ, **env},
                   check=True, cwd=BENCH)
    port = free_port()
    with serve(spec.gunicorn_cmd("baseline_app:create_app()", port), port, env, cwd=BENCH) as base:
        print(f"baseline on {base} (idle while the app is measured)", flush=True)
        yield Baseline(base, args)


#: Scenarios in which each member acts once (a burst of about a second): measured against a baseline burst.
ONE_OFF = {SYNC, "exam start (draw 50 of the bank)", "exam submit (grade 50)"}
#: scenario -> (baseline it is measured against, target share, ceiling also shown)
TARGETS = {
    "chapter page (logged in)": ("/chapter", 0.60, "/hello"),
    "answer autosave": ("/core/save", 0.60, "/raw/save"),
    "exam submit (grade 50)": ("/core/submit", 0.40, "/raw/submit"),
    "exam start (draw 50 of the bank)": ("/hello", 0.25, None),
    SYNC: ("/core/save", 0.60, "/hello"),
    "results summary (10k sitting)": ("/hello", None, None),
    "contest board (while rounds submitted)": ("/hello", None, None),
}


def check_database(url: str, checks: dict, results: list[Result]) -> dict:
    """After the load: one graded attempt per member who submitted, every acknowledged save stored,
    every contest round a writer finished counted once (contest_load.check)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    report = {}
    acks = json.loads(Path(checks["sitting_acks_file"]).read_text())
    with engine.connect() as conn:
        submitted = dict(conn.execute(text(
            "SELECT u.username, count(*) FROM attempts a JOIN users u ON u.id = a.user_id "
            "WHERE a.status = 'submitted' GROUP BY u.username")).all())
        ungraded = conn.execute(text(
            "SELECT count(*) FROM attempt_questions aq JOIN attempts a ON a.id = aq.attempt_id "
            "WHERE a.status = 'submitted' AND aq.awarded IS NULL")).scalar()
        stored = {(a, q): s for a, q, s in conn.execute(text("SELECT attempt_id, question_id, client_seq FROM answers"))}
    expected = checks["submit_users"] + [user for user, _, _ in acks["submits"]]
    report["members_expected_submitted"] = len(expected)
    report["members_without_graded_attempt"] = [u for u in expected if submitted.get(u) != 1][:20]
    report["attempts_submitted_total"] = sum(submitted.values())
    report["submitted_questions_ungraded"] = ungraded
    lost = [ack for ack in acks["saves"] if stored.get((ack[0], ack[1]), -1) < ack[2]]
    report["acknowledged_saves"] = len(acks["saves"])
    report["acknowledged_saves_missing"] = len(lost)
    report["sitting_members_failed"] = acks["failed_members"][:20]
    report["started"] = checks["started"]
    report["synchronized_start"] = checks["synchronized_start"]
    report["error_responses"] = sum(r.errors + r.notes.get("repeat", {}).get("errors", 0) for r in results)
    report["ok"] = (not report["members_without_graded_attempt"] and not lost and ungraded == 0
                    and not acks["failed_members"] and report["error_responses"] == 0
                    and checks["started"]["expected"] == checks["started"]["attempts_in_progress"]
                    and checks["synchronized_start"]["ok"])
    engine.dispose()
    if "contest" in checks:
        report["contest"] = contest_load.check(url, checks["contest"])
        report["ok"] = report["ok"] and report["contest"]["ok"]
    return report


def main(argv=None) -> int:
    args = parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backend = "postgresql" if args.pg else "sqlite"
    meta = {"backend": backend, "started": stamp, "machine": machine(), "args": vars(args),
            "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads (app and baseline)"}
    spec = ServerSpec(workers=args.workers, threads=args.threads)
    results: list[Result] = []
    checks: dict = {}
    workdir = RESULTS / f"work-{stamp}"
    workdir.mkdir()
    with contextlib.ExitStack() as cleanup:
        if not args.keep:
            cleanup.callback(shutil.rmtree, workdir, True)
        return _run(args, meta, spec, results, checks, workdir, backend, stamp)


def _run(args, meta, spec, results, checks, workdir, backend, stamp) -> int:
    with database(args, workdir) as (url, baseline_url):
        print(f"[{backend}] building the database: {args.members} members, 100 branches", flush=True)
        info_path = workdir / "build.json"
        subprocess.run([sys.executable, str(BENCH / "build_db.py"), url, str(args.members), str(info_path)],
                       check=True, cwd=ROOT)
        info = json.loads(info_path.read_text())
        meta["build"] = info["timings"]
        print(f"  prepare-sittings: {info['timings']['prepared_papers']} papers of 50 questions drawn ahead in "
              f"{info['timings']['prepare_sittings_s']} s", flush=True)
        print(f"  roster import of {info['timings']['roster_rows']} rows: {info['timings']['roster_import_s']} s; "
              f"load-content: {info['timings']['load_content_s']} s; contest seed ({info['contest']['rounds']} rounds "
              f"of {info['contest']['players']} players): {info['timings']['contest_seed_s']} s", flush=True)
        with baseline_server(args, baseline_url, spec) as baseline:
            run_app(args, url, info, spec, results, checks, baseline)
        meta["database_check"] = check_database(url, checks, results)
    all_results = results + baseline.results
    meta["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(harness.table(all_results))
    print()
    check = dict(meta["database_check"])
    contest = check.pop("contest", None)
    print("database check:", json.dumps(check, ensure_ascii=False)[:1000])
    if contest is not None:
        print("contest check:", json.dumps(contest, ensure_ascii=False)[:1000])
    out = RESULTS / f"{backend}-{stamp}.json"
    harness.write_json(all_results, out, meta)
    print(f"written {out}")
    return 0 if meta["database_check"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
