"""Which WSGI server to recommend: the baseline app's /hello and /chapter under each, same worker count.

    python bench/servers.py [--seconds 8] [--workers 2]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BENCH, VENV_BIN, free_port, serve, table, wrk  # noqa: E402


def commands(workers: int, port: int) -> dict[str, list[str]]:
    bind = f"127.0.0.1:{port}"
    gunicorn = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", bind, "--log-level", "warning", "--backlog", "2048"]
    return {
        f"gunicorn sync -w {workers}": gunicorn + ["-k", "sync", "baseline_app:create_app()"],
        f"gunicorn gthread -w {workers} --threads 4": gunicorn + ["-k", "gthread", "--threads", "4",
                                                                  "baseline_app:create_app()"],
        f"granian wsgi --workers {workers} --blocking-threads 4": [
            str(VENV_BIN / "granian"), "--interface", "wsgi", "--workers", str(workers), "--blocking-threads", "4",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--factory",
            "baseline_app:create_app"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    (BENCH / "results").mkdir(exist_ok=True)
    results = []
    for name in commands(args.workers, 0):
        port = free_port()
        cmd = commands(args.workers, port)[name]
        if not Path(cmd[0]).exists():
            print(f"skipped {name}: {cmd[0]} not installed")
            continue
        with serve(cmd, port, {"PYTHONPATH": str(BENCH)}, cwd=BENCH) as base:
            for path in ("/hello", "/chapter"):
                result = wrk(base + path, f"{name} {path}", args.seconds)
                results.append(result)
                print(f"{result.scenario}: {result.rps:.0f} req/s p99 {result.p99_ms:.1f} ms", flush=True)
    print(table(results))
    (BENCH / "results" / "servers.json").write_text(json.dumps([r.__dict__ for r in results], indent=2))


if __name__ == "__main__":
    main()
