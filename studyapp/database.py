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
import sqlite3
import threading
import time

from sqlalchemy import event, exc
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


#: PostgreSQL: a statement waiting longer than this for a row lock gives up (503, the client retries)
#: instead of holding a worker past any client's patience, e.g. behind a transaction whose client
#: vanished in a network cut and that the server has not noticed yet.
PG_LOCK_TIMEOUT = "10s"


#: SQLite: how often a writer tries for the write lock while another process holds it.
WRITE_LOCK_POLL_SECONDS = 0.0001

#: PostgreSQL: a pooled connection idle longer than this is pinged before a request uses it.
PING_IDLE_AFTER_SECONDS = 10.0


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Install per-backend connection behaviour on a freshly created engine."""
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET lock_timeout = '{PG_LOCK_TIMEOUT}'")
            cursor.close()
            dbapi_connection.commit()

        if not engine.pool._pre_ping:  # unless the deployment asked for a ping on every checkout
            _ping_idle_connections(engine)

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

    # Writers of this process queue on a lock of their own before they ask SQLite for its write lock, so
    # the next writer of the process starts as soon as the previous one has committed. Between processes
    # (gunicorn workers) the write lock is polled: SQLite's own busy handler sleeps 1, 2, 5, ... 100 ms
    # between tries, by which time a busy neighbour's queue has handed the lock on again, so under load one
    # worker did every write and the others' CPU sat idle (two workers started no more exams a second than
    # one). BEGIN IMMEDIATE is therefore retried here every WRITE_LOCK_POLL_SECONDS within the busy
    # timeout; a neighbour that has just committed is still finishing its response when the next try
    # comes. The queue only orders writers: if it is not free within the busy timeout, BEGIN IMMEDIATE
    # goes ahead and the timeout decides, as it would without it.
    writers = threading.Lock()

    def _release(info) -> None:
        if info.pop(_HOLDS_WRITERS, False):
            writers.release()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if not write_intent.get():
            _transaction_control(connection, "BEGIN")
            return
        if writers.acquire(timeout=busy_timeout_ms / 1000):
            connection.info[_HOLDS_WRITERS] = True
        try:
            _begin_immediate(connection, busy_timeout_ms)
        except BaseException:
            _release(connection.info)
            raise

    def _end(connection, statement: str) -> None:
        # The transaction is ended here, so the queue moves on only once SQLite's lock is free; the
        # driver's own commit()/rollback() that follows finds no transaction and does nothing.
        try:
            if connection.connection.dbapi_connection.in_transaction:
                _transaction_control(connection, statement)
        finally:
            _release(connection.info)

    @event.listens_for(engine, "commit")
    def _on_commit(connection):
        if connection.info.get(_HOLDS_WRITERS):
            _end(connection, "COMMIT")

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection):
        if connection.info.get(_HOLDS_WRITERS):
            _end(connection, "ROLLBACK")

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection, record):
        # However the transaction ended, it has by the time its connection returns to the pool.
        _release(record.info)


def _transaction_control(connection, statement: str) -> None:
    """BEGIN, COMMIT or ROLLBACK sent straight to the driver. Every request sends one or two; through
    exec_driver_sql each cost as much of SQLAlchemy's statement machinery as a real statement (about
    a twentieth of an autosave's CPU). A failure (a writer still holding the lock past the busy timeout)
    is raised as SQLAlchemy's own DBAPIError, as exec_driver_sql would, so the error pages still see it."""
    dbapi_connection = connection.connection.dbapi_connection
    try:
        dbapi_connection.execute(statement)
    except sqlite3.Error as err:
        raise exc.DBAPIError.instance(statement, None, err, sqlite3.Error, dialect=connection.dialect) from err


def _begin_immediate(connection, busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE, retried every WRITE_LOCK_POLL_SECONDS while another process holds the write lock,
    until the busy timeout; then the driver's "database is locked" error, as SQLite's own wait would give."""
    dbapi_connection = connection.connection.dbapi_connection
    give_up = time.monotonic() + busy_timeout_ms / 1000
    dbapi_connection.execute("PRAGMA busy_timeout=0")  # each try answers at once; the loop does the waiting
    try:
        while True:
            try:
                _transaction_control(connection, "BEGIN IMMEDIATE")
                return
            except exc.OperationalError as err:
                # Any kind of busy (the extended codes keep SQLITE_BUSY in their low byte) is waited for.
                code = getattr(err.orig, "sqlite_errorcode", None) or 0
                if code & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= give_up:
                    raise
            time.sleep(WRITE_LOCK_POLL_SECONDS)
    finally:
        # Statements inside the transaction (a checkpoint, a reader's upgrade) keep the busy timeout.
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")


def _ping_idle_connections(engine: Engine) -> None:
    """Replace a pooled connection that died while idle (the database restarted) before a request uses it.

    SQLAlchemy's pool_pre_ping pings on every checkout: a round trip per request, which on a busy sitting
    cost a tenth of an autosave's CPU. A connection in steady use is pinged by the request itself; only
    one that has sat idle is worth checking. One that dies while in use (a restart mid-sitting) fails
    that request with a 503 the page retries, and SQLAlchemy then replaces every connection of the pool.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_IDLE_AFTER_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            raise exc.DisconnectionError("the pooled connection did not answer a ping")  # the pool retries


_IDLE_SINCE = "studyapp_idle_since"
#: Connection info key: this connection's transaction holds its process's writer queue.
_HOLDS_WRITERS = "studyapp_holds_writers_lock"


def is_lock_timeout(exc: BaseException) -> bool:
    """True for the errors that mean "try again shortly" rather than a bug."""
    text = str(getattr(exc, "orig", exc)).lower()
    return ("database is locked" in text or "could not obtain lock" in text or "deadlock detected" in text
            or "lock timeout" in text)


#: Driver messages that mean the database cannot be reached right now (restarting, network cut): the
#: request can be retried once it is back, so it is a 503, never a 500.
UNAVAILABLE_MARKERS = (
    "connection refused", "could not connect", "connection failed", "server closed the connection",
    "terminating connection", "connection timeout", "timeout expired", "the database system is starting up",
    "the database system is shutting down", "the database system is in recovery mode", "connection is closed",
    "connection already closed", "consuming input failed", "connection reset", "no connection to the server",
    "broken pipe", "ssl connection has been closed", "the connection is lost", "cannot connect now",
    "disk i/o error", "unable to open database file",
)


def is_unavailable(exc: BaseException) -> bool:
    """True when the database could not be reached or the connection died: retry later, lose nothing."""
    if getattr(exc, "connection_invalidated", False):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return any(marker in text for marker in UNAVAILABLE_MARKERS)
