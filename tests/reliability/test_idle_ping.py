"""PostgreSQL: a pooled connection that died while idle is replaced before a request uses it, and one in
steady use is not pinged (a round trip per request that pool_pre_ping would cost)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from studyapp import database
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="connection pinging is PostgreSQL's (set "
                                                   "STUDYAPP_TEST_DATABASE_URL); SQLite has no server to lose")


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def test_a_connection_killed_while_idle_is_replaced_before_use(app, db, monkeypatch):
    engine = db.engine
    engine.dispose()
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first  # the pool hands the same connection back
    killer = create_engine(engine.url, poolclass=NullPool)
    with killer.connect() as other:  # the server ends it, as a restart would
        assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar() is True
    monkeypatch.setattr(database, "PING_IDLE_AFTER_SECONDS", 0.0)
    replaced = _backend_pid(engine)  # no error: the ping found it dead and the pool connected afresh
    assert replaced not in (first, None)


def test_a_connection_in_steady_use_is_not_pinged(app, db, monkeypatch):
    engine = db.engine
    engine.dispose()
    _backend_pid(engine)
    pings = []
    original = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or original(conn))
    for _ in range(5):
        _backend_pid(engine)
    assert pings == []
    monkeypatch.setattr(database, "PING_IDLE_AFTER_SECONDS", 0.0)
    _backend_pid(engine)
    assert pings == [1]  # idle (longer than the setting) is pinged
