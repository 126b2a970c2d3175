"""Time the organization's ledger calendar for 1,000 branches with a year of records, and count its SQL.

    .venv/bin/python bench/ledger_calendar.py [DATABASE_URL] [BRANCHES]

Builds a fresh database (default: a temporary SQLite file) with BRANCHES branches of 7 full members each
and, per branch, a 支委会 and a 主题党日 every month and a 党员大会 every quarter (Core inserts, via the
test suite's builder), then times the calendar service and the page through the test client as the
administrator. Target: the page under a second on this machine. Not a test: numbers depend on the
machine; the fixed query count is tests/web/test_ledger_scale.py.
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def timed(label, fn, repeat=3):
    """Best wall time and best CPU time of this process: on a shared machine the CPU time is what the
    work costs, the wall time what a user waited."""
    best = cpu = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        elapsed, used = time.perf_counter() - start, time.process_time() - start_cpu
        best = elapsed if best is None else min(best, elapsed)
        cpu = used if cpu is None else min(cpu, used)
    print(f"{label:<36} {best * 1000:8.1f} ms wall, {cpu * 1000:8.1f} ms CPU (best of {repeat})")
    return result


def main() -> None:
    from sqlalchemy import event

    from studyapp import create_app
    from studyapp.domain import passwords
    from studyapp.extensions import db
    from studyapp.models import Unit, User
    from studyapp.services.ledger import calendar
    from studyapp.services.scope import managed_unit_ids
    from tests.fixtures_ledger import build_ledger_scale

    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/ledger-bench.sqlite3"
    branches = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "CLOCK": lambda: NOW})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        org = Unit(name="基准党委", kind="organization")
        db.session.add(org)
        db.session.flush()
        admin = User(username="bench-admin", name="管理员", unit_id=org.id, role="admin",
                     password_hash=passwords.hash_password("bench-Pa55word"))
        db.session.add(admin)
        db.session.commit()
        build_ledger_scale(db, org, branches)
        print(f"built {branches} branches x 12 months of records in {time.perf_counter() - start:.1f} s "
              f"({url.split(':')[0]})")
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        managed = managed_unit_ids(db.session, admin)
        zone = ZoneInfo("Asia/Shanghai")
        rows = timed("calendar service (all branches)", lambda: calendar.organization_calendar(
            db.session, managed, 2026, NOW, zone))
        statements.clear()
        calendar.organization_calendar(db.session, managed, 2026, NOW, zone)
        print(f"  statements per calendar: {len(statements)}; overdue items {sum(r.overdue for r in rows)}")
    client = app.test_client()
    client.post("/login", data={"username": "bench-admin", "password": "bench-Pa55word"})
    for label, path in (("calendar page GET", "/manage/ledger?year=2026"),
                        ("chase list GET", "/manage/ledger/chase?year=2026"),
                        ("workbook export GET", "/manage/ledger/export.xlsx?year=2026")):
        response = timed(label, lambda p=path: client.get(p), repeat=2 if "export" in path else 3)
        assert response.status_code == 200, (path, response.status_code)


if __name__ == "__main__":
    main()
