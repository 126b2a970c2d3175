"""SQLite: writers of one process queue on a lock before BEGIN IMMEDIATE (studyapp/database.py).

The queue must be let go however a writing transaction ends, or the next writer of the process would
wait out the whole busy timeout; and it must only order writers, never lose or refuse one.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from studyapp import create_app
from studyapp.database import intending_to_write
from studyapp.extensions import db as _db
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's writer queue; PostgreSQL locks rows")


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}", "SECRET_KEY": "x",
                      "SQLITE_BUSY_TIMEOUT_MS": 3000})
    with app.app_context():
        _db.session.execute(text("CREATE TABLE counter (n INTEGER)"))
        _db.session.execute(text("INSERT INTO counter VALUES (0)"))
        _db.session.commit()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def _write(session):
    session.execute(text("UPDATE counter SET n = n + 1"))


def _quick_write() -> float:
    started = time.monotonic()
    with intending_to_write():
        _write(_db.session)
        _db.session.commit()
    return time.monotonic() - started


def test_the_queue_is_let_go_after_commit_rollback_close_and_failed_statements(sqlite_app):
    with intending_to_write():
        _write(_db.session)
        _db.session.commit()
    assert _quick_write() < 1
    with intending_to_write():
        _write(_db.session)
        _db.session.rollback()
    assert _quick_write() < 1
    with intending_to_write():
        _write(_db.session)
        _db.session.close()  # the request's teardown, without commit or rollback
    assert _quick_write() < 1
    with intending_to_write(), pytest.raises(Exception):
        _db.session.execute(text("UPDATE no_such_table SET n = 1"))
    _db.session.rollback()
    assert _quick_write() < 1
    assert _db.session.execute(text("SELECT n FROM counter")).scalar() == 5  # the committed writes only


def test_concurrent_writers_all_land(sqlite_app):
    errors = []

    def worker():
        with sqlite_app.app_context():
            try:
                for _ in range(25):
                    with intending_to_write():
                        _write(_db.session)
                        _db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _db.session.execute(text("SELECT n FROM counter")).scalar() == 200
