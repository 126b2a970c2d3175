"""CPU per exam submit, under either review policy: the bench exam's (the review waits for the close, so the
misses wait too) and 交卷后立即 (the wrong-answer book and review cards are written in the submit).

    python bench/submit_profile.py [--members 60] [--review after_close|immediate] [--pg] [--cprofile N]

Builds the bench database (bench/build_db.py), has each member start and answer all 50 questions through
the page's autosave (answers vary, so about half are wrong), then times one submit per member with the
Flask test client in this thread (time.thread_time), as bench/profile.py does. --cprofile N: print the N
costliest functions (cumulative) of the timed submits, measured again under cProfile on fresh members.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

# bench/profile.py would shadow the standard library's profile module, which cProfile imports.
_bench = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(_bench)]
import cProfile  # noqa: E402
import pstats  # noqa: E402

sys.path.insert(0, _bench)

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from build_db import build  # noqa: E402
from client import answer_for, logged_in, parse_paper  # noqa: E402
from run import PG_ADMIN_URL, database  # noqa: E402

WARM_UP = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=60, help="timed submits (as many again with --cprofile)")
    parser.add_argument("--review", choices=("after_close", "immediate"), default="after_close")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (database studyapp_submit_profile)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_ADMIN_URL))
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url, _ = stack.enter_context(database(args, Path(tempfile.mkdtemp()), "studyapp_submit_profile"))
        run(args, url)


def run(args, url: str) -> None:
    timed_members = WARM_UP + args.members
    total = timed_members + (args.members if args.cprofile else 0)
    info = build(url, total)
    from studyapp import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_LIMIT": "100000 per minute"})
    with app.app_context():
        from sqlalchemy import update

        from studyapp.extensions import db
        from studyapp.models.exams import Exam

        db.session.execute(update(Exam).where(Exam.id == info["exam_id"]).values(review_policy=args.review))
        db.session.commit()
    sitting, password = info["sitting_id"], info["password"]
    papers = []
    for n in range(1, total + 1):
        client, token = logged_in(app, f"m{n:05d}", password)
        where = client.post(f"/exams/sittings/{sitting}/start", data={"csrf_token": token}).headers["Location"]
        attempt = int(where.split("/attempts/")[1].split("/")[0])
        for i, q in enumerate(parse_paper(client.get(where).get_data(as_text=True))):
            reply = client.put(f"/exams/attempts/{attempt}/answers/{q['qid']}",
                               json={"answer": answer_for(q, i + n), "seq": 1}, headers={"X-CSRFToken": token})
            assert reply.status_code == 200, reply.get_data(as_text=True)
        papers.append((client, token, attempt))

    statements = [0]
    event.listen(Engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))

    def submit(paper):
        client, token, attempt = paper
        reply = client.post(f"/exams/attempts/{attempt}/submit",
                            headers={"X-CSRFToken": token, "Accept": "application/json"})
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]

    for paper in papers[:WARM_UP]:
        submit(paper)
    measured = papers[WARM_UP:timed_members]
    before, cpu = statements[0], time.thread_time()
    for paper in measured:
        submit(paper)
    cpu = (time.thread_time() - cpu) * 1000 / len(measured)
    print(f"[{'postgresql' if args.pg else 'sqlite'}] review {args.review}: submit {cpu:.2f} CPU ms, "
          f"{(statements[0] - before) / len(measured):.1f} statements per request ({len(measured)} requests)")
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        for paper in papers[timed_members:]:
            submit(paper)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
