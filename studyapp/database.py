"""Engine behaviour that differs by backend.

SQLite: WAL so readers never wait for the writer, a busy timeout so writers queue instead of failing,
foreign keys on, and write transactions that take the write lock up front (BEGIN IMMEDIATE).  A
deferred transaction that reads first and writes later can fail with "database is locked" at once
(the busy handler cannot help an upgrade from a read lock), so every request that may write begins
IMMEDIATE; read-only requests begin deferred and never block writers.
"""
from __future__ import annotations

import contextlib
import contextvars

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: True while the current unit of work intends to write (set per request by the web layer).
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


@contextlib.contextmanager
def intending_to_write():
    """Mark the enclosed work as a writer, so SQLite begins with BEGIN IMMEDIATE."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Install per-backend connection behaviour on a freshly created engine."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control away from pysqlite so BEGIN is ours to issue.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def is_lock_timeout(exc: BaseException) -> bool:
    """True for the errors that mean "try again shortly" rather than a bug."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "could not obtain lock" in text or "deadlock detected" in text
