"""Process and load-generator plumbing for the benchmarks: servers on 127.0.0.1, wrk runs, tables."""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerSpec:
    """How both the app and the baseline are served: same server, same worker settings."""

    workers: int = 2
    threads: int = 4

    def gunicorn_cmd(self, app_spec: str, port: int) -> list[str]:
        return [str(VENV_BIN / "gunicorn"), "-w", str(self.workers), "--threads", str(self.threads),
                "-k", "gthread", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                "--backlog", "2048", app_spec]


@contextlib.contextmanager
def serve(cmd: list[str], port: int, env: dict, health: str = "/hello", cwd: Path = ROOT):
    """Start a server process group, wait until it answers, and always stop it."""
    log = open(BENCH / "results" / f"server-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=2).read()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {' '.join(cmd)} (see {log.name})")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@dataclass
class Result:
    scenario: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    baseline: str | None = None
    ratio: float | None = None
    notes: dict = field(default_factory=dict)


def wait_quiet(limit: float, longest: float) -> float:
    """Wait (at most `longest` seconds) until the 1-minute load average is below `limit`; return it.

    The load average is the after-image of the previous scenario's own traffic; a scenario measured while
    it is high competes with the last one's leftovers (and with anything else on a shared machine).
    """
    deadline = time.monotonic() + longest
    load = os.getloadavg()[0]
    while load >= limit and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()[0]
    flag = "" if load < limit else f" (still >= {limit} after {longest:.0f} s)"
    print(f"  load average {load:.2f}{flag}", flush=True)
    return round(load, 2)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, scenario: str, seconds: int, connections: int = 16, threads: int = 2,
        script: str | None = None, env: dict | None = None, done_file: Path | None = None) -> Result:
    """Run wrk with latency percentiles; non-2xx/3xx and socket errors count as errors.

    With done_file, the Lua script appends a line there when a thread has used up its requests; once
    every thread has, wrk gets SIGINT (it then stops and prints its summary, measured up to that moment).
    """
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it")
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(BENCH / "lua" / script)]
    env = {**os.environ, **(env or {})}
    if done_file is not None:
        done_file.write_text("")
        env["BENCH_DONE_FILE"] = str(done_file)
    proc = subprocess.Popen(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        if done_file is not None:
            # Polled often: wrk's own clock runs until the SIGINT, and a one-off scenario lasts about a second.
            while proc.poll() is None and len(done_file.read_text().splitlines()) < threads:
                time.sleep(0.002)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=seconds + 60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {err.strip()}")
    slug = re.sub(r"[^a-z0-9]+", "-", scenario.lower()).strip("-")
    (BENCH / "results" / f"wrk-{slug}.txt").write_text(out + err)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    return Result(scenario, rps, p50, p99, errors, requests)


def table(results: list[Result]) -> str:
    """One row per scenario; a repeated scenario shows both measurements (req/s, p99, ratio: first / second)."""
    head = (f"{'scenario':<48} {'load':>5} {'req/s':>11} {'p50 ms':>8} {'p99 ms':>13} {'errors':>7}  "
            "ratio to baseline (first / repeat)")
    lines = [head, "-" * len(head)]
    for r in results:
        again = r.notes.get("repeat")
        rps = f"{r.rps:.0f}" + (f" / {again['rps']:.0f}" if again else "")
        p99 = f"{r.p99_ms:.0f}" + (f" / {again['p99_ms']:.0f}" if again else "")
        ratio = ""
        if r.ratio is not None:
            ratio = f"{r.ratio:.0%}" + (f" / {again['ratio']:.0%}" if again and again.get("ratio") else "")
            ratio += f" of {r.baseline}"
            if "steady_ratio" in r.notes:
                steady = f"{r.notes['steady_ratio']:.0%}"
                if again and "steady_ratio" in again:
                    steady += f" / {again['steady_ratio']:.0%}"
                ratio += f" [steady run: {steady}]"
            if "target" in r.notes:
                ratio += f" (target {r.notes['target']}: {'met' if r.notes.get('met') else 'NOT met'})"
        load = r.notes.get("load_before")
        load = f"{load:.2f}" if load is not None else ""
        errors = r.errors + (again["errors"] if again else 0)
        lines.append(f"{r.scenario:<48} {load:>5} {rps:>11} {r.p50_ms:>8.1f} {p99:>13} {errors:>7}  {ratio}")
    return "\n".join(lines)


def write_json(results: list[Result], path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=2))
