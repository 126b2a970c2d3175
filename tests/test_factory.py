"""The application factory layers configuration: defaults < instance file < environment < mapping."""
from studyapp import create_app
from studyapp.config import from_environment

import pytest


def test_defaults_without_mapping(app):
    assert not create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"}).testing
    assert app.testing


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("STUDYAPP_TIMEZONE", "UTC")
    monkeypatch.setenv("STUDYAPP_SESSION_COOKIE_SECURE", "yes")
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["TIMEZONE"] == "UTC"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_mapping_overrides_environment(monkeypatch):
    monkeypatch.setenv("STUDYAPP_TIMEZONE", "UTC")
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "TIMEZONE": "Asia/Urumqi"})
    assert app.config["TIMEZONE"] == "Asia/Urumqi"


def test_bad_boolean_in_environment_is_an_error():
    with pytest.raises(RuntimeError, match="STUDYAPP_SESSION_COOKIE_SECURE"):
        from_environment({"STUDYAPP_SESSION_COOKIE_SECURE": "maybe"})


def test_database_url_from_environment(monkeypatch):
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", "sqlite:////tmp/studyapp-env-test.sqlite3")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/studyapp-env-test.sqlite3"


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    from studyapp.config import load_or_create_secret

    first = load_or_create_secret(tmp_path)
    assert len(first) == 64
    assert load_or_create_secret(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite-only pragma")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
