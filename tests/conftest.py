"""Fixtures shared by every test layer.

The suite runs on SQLite by default and on PostgreSQL when STUDYAPP_TEST_DATABASE_URL is set.
Tables are created once per run (in a private schema on PostgreSQL, so parallel runs never collide)
and emptied after each test; tests commit for real, so concurrency tests see what they expect.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import uuid
from datetime import datetime, timezone

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from studyapp import create_app
from studyapp.domain import passwords
from studyapp.extensions import db as _db
from studyapp.models import OrganizerScope, Unit, User

pytest_plugins = [
    "fixtures_practice",
    "fixtures_api",
    "fixtures_publishing",
    "fixtures_questions",
    "fixtures_study",
    "fixtures_exams",
    "fixtures_contests",
    "fixtures_reports",
    "fixtures_ledger",
]

PG_URL = os.environ.get("STUDYAPP_TEST_DATABASE_URL")
PASSWORD = "correct-horse-7"
# Hashing at full cost for every factory user would dominate the run; one hash serves them all.
PASSWORD_HASH = passwords.hash_password(PASSWORD)
FIXED_NOW = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)


def recorded_statements(db, fn):
    """(what fn returned, every SQL statement it sent): for tests that a page or service costs a fixed
    number of queries whatever the data's size."""
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return result, statements


@pytest.fixture(scope="session")
def database_config(tmp_path_factory):
    """Settings pointing the app at an empty, private database for this test run."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        yield {"DATABASE_URL": f"sqlite:///{path}"}
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield {
        "DATABASE_URL": PG_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
        "TEST_SCHEMA": schema,
    }
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


_created = set()



@pytest.fixture
def migrated_database(database_config, tmp_path):
    """migrated_database(tag): a context, in an app on an empty database of its own (a schema on PostgreSQL,
    a file on SQLite, so the test tables stay untouched), giving the migrations directory to upgrade."""

    @contextlib.contextmanager
    def make(tag: str):
        config = dict(database_config)
        schema = config["TEST_SCHEMA"] + "_" + tag if "TEST_SCHEMA" in config else None
        if schema:
            config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
        else:
            config["DATABASE_URL"] = f"sqlite:///{tmp_path / (tag + '.sqlite3')}"
        app = create_app({"TESTING": True, "SECRET_KEY": "x", **config})
        with app.app_context():
            if schema:
                with _db.engine.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                yield app.extensions["migrate"].directory
            finally:
                if schema:
                    with _db.engine.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                _db.engine.dispose()

    return make

@pytest.fixture
def app_config(database_config, tmp_path):
    """Override in a test module to change settings (the mapping goes to create_app)."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "LEDGER_ATTACHMENTS_DIR": str(tmp_path / "ledger_attachments"),
        "ASSESSMENT_EVIDENCE_DIR": str(tmp_path / "assessment_evidence"),
        **database_config,
    }


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server would: its own app context, `g` and
    database session, rather than the test's (which would leak the logged-in user between clients)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        key = app.config["DATABASE_URL"] + str(app.config.get("TEST_SCHEMA"))
        if key not in _created:
            _db.drop_all()
            _db.create_all()
            _created.add(key)
        yield app
        _db.session.remove()
        _empty_all_tables()
        _db.engine.dispose()


def _empty_all_tables():
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # questions <-> question_versions reference each other: check keys once, at commit.
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---- factories -------------------------------------------------------------------------------


@pytest.fixture
def make_unit(db):
    def make(name="第一党支部", parent=None, kind="branch"):
        unit = Unit(name=name, kind=kind, parent_id=parent.id if parent else None)
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def org(make_unit):
    return make_unit("测试机关党委", kind="organization")


@pytest.fixture
def branch_a(make_unit, org):
    return make_unit("第一党支部", parent=org)


@pytest.fixture
def branch_b(make_unit, org):
    return make_unit("第二党支部", parent=org)


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10**6))

    def make(unit, role="member", username=None, name=None, password_hash=PASSWORD_HASH, **fields):
        n = next(counter)
        user = User(username=username or f"u{n:05d}", name=name or f"测试{n}", unit_id=unit.id, role=role,
                    password_hash=password_hash, **fields)
        db.session.add(user)
        db.session.flush()
        if role == "organizer":
            db.session.add(OrganizerScope(user_id=user.id, unit_id=unit.id))
        db.session.commit()
        return user

    return make


@pytest.fixture
def member_a(make_user, branch_a):
    return make_user(branch_a, username="member_a", name="甲党员")


@pytest.fixture
def member_b(make_user, branch_b):
    return make_user(branch_b, username="member_b", name="乙党员")


@pytest.fixture
def organizer_a(make_user, branch_a):
    return make_user(branch_a, role="organizer", username="organizer_a", name="甲组织员")


@pytest.fixture
def organizer_b(make_user, branch_b):
    return make_user(branch_b, role="organizer", username="organizer_b", name="乙组织员")


@pytest.fixture
def admin(make_user, org):
    return make_user(org, role="admin", username="admin", name="管理员")


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_name, password=PASSWORD):
        username = getattr(user_or_name, "username", user_or_name)
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def clock(app):
    """The app's clock, set by the test: clock.now = moment (or clock.set(moment)); starts at FIXED_NOW."""

    class Clock:
        def __init__(self):
            self.now = FIXED_NOW

        def set(self, moment):
            self.now = moment

    current = Clock()
    app.config["CLOCK"] = lambda: current.now
    return current
