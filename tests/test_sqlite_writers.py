"""SQLite: writers of one process queue on a lock before BEGIN IMMEDIATE (studyapp/database.py).

The queue must be let go however a writing transaction ends, or the next writer of the process would
wait out the whole busy timeout; and it must only order writers, never lose or refuse one.
"""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

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


def _hold_write_lock(path, seconds: float, held: threading.Event) -> None:
    """Another process's writer (its own connection, outside the app's queue) holding the write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


def test_a_writer_gets_the_lock_soon_after_another_process_commits(sqlite_app, tmp_path):
    # SQLite's busy handler would try again 0.328 s and 0.428 s after the first try: ~100 ms after this
    # holder lets go. The app's writers must not idle that long while another worker's lock is free.
    held, hold = threading.Event(), 0.33
    holder = threading.Thread(target=_hold_write_lock, args=(str(tmp_path / "w.sqlite3"), hold, held))
    holder.start()
    held.wait()
    waited = _quick_write()
    holder.join()
    assert hold - 0.05 < waited < hold + 0.06
    assert _db.session.execute(text("SELECT n FROM counter")).scalar() == 1


def test_a_lock_held_past_the_busy_timeout_is_refused_and_the_timeout_stays_for_later_statements(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 't.sqlite3'}", "SECRET_KEY": "x",
                      "SQLITE_BUSY_TIMEOUT_MS": 300})
    with app.app_context():
        _db.session.execute(text("CREATE TABLE counter (n INTEGER)"))
        _db.session.commit()
        held = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(str(tmp_path / "t.sqlite3"), 1.0, held))
        holder.start()
        held.wait()
        started = time.monotonic()
        with intending_to_write(), pytest.raises(OperationalError, match="database is locked"):
            _write(_db.session)
        assert 0.25 < time.monotonic() - started < 0.9  # the busy timeout, not the holder's whole second
        _db.session.rollback()
        holder.join()
        assert _quick_write() < 1  # the queue was let go
        # Only BEGIN polls; every other statement still waits out the busy timeout itself.
        assert _db.session.execute(text("PRAGMA busy_timeout")).scalar() == 300
        _db.session.rollback()
        _db.session.remove()
        _db.engine.dispose()
