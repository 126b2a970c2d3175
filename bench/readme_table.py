"""The README's Performance table from one SQLite and one PostgreSQL results file, so the table says exactly
what the runs measured (both ratios of a repeated scenario, the load average before it, target met or not).

    python bench/readme_table.py bench/results/sqlite-<time>.json bench/results/postgresql-<time>.json
"""
from __future__ import annotations

import json
import sys

#: Rows of the table, in order (locust's per-step rows and the baselines are summarized elsewhere).
ROWS = ["login storm (logins/s)", "chapter page (logged in)", "synchronized start (prepared paper)",
        "exam start (draw 50 of the bank)", "answer autosave", "autosave at real load (~280/s)",
        "exam submit (grade 50)", "results summary (10k sitting)", "sitting: all steps",
        "contest board (while rounds submitted)"]


def _pair(first: float, again: dict | None, key: str, fmt: str = "{:.0f}") -> str:
    return fmt.format(first) + (" / " + fmt.format(again[key]) if again else "")


def cells(result: dict | None) -> list[str]:
    if result is None:
        return ["", "", "", "", ""]
    notes, again = result["notes"], result["notes"].get("repeat")
    ratio = ""
    if result.get("ratio") is not None:
        ratio = f"{result['ratio']:.0%}" + (f" / {again['ratio']:.0%}" if again else "") + f" of {result['baseline']}"
    if "met" in notes:
        ratio += " ✓" if notes["met"] else " ✗"
    if "steady_ratio" in notes:  # a one-off scenario: also against the steady run of its baseline
        ratio += (f" (steady {notes['steady_ratio']:.0%}"
                  + (f" / {again['steady_ratio']:.0%}" if again and "steady_ratio" in again else "") + ")")
    load = notes.get("load_before")
    load = (f"{load:.2f}" + (f" / {again['load_before']:.2f}" if again and again.get("load_before") is not None
                             else "")) if load is not None else ""
    return [_pair(result["rps"], again, "rps"), f"{result['p50_ms']:.0f}", _pair(result["p99_ms"], again, "p99_ms"),
            ratio, load]


def main(sqlite_path: str, pg_path: str) -> None:
    runs = [{r["scenario"]: r for r in json.load(open(path))["results"]} for path in (sqlite_path, pg_path)]
    print("| scenario | SQLite req/s | p50 ms | p99 ms | ratio (target ✓/✗) | load | "
          "PostgreSQL req/s | p50 ms | p99 ms | ratio | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in ROWS:
        row = [name] + cells(runs[0].get(name)) + cells(runs[1].get(name))
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
