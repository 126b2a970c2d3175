"""Configuration: defaults here, then instance/config.py, then STUDYAPP_* environment variables,
then the mapping passed to create_app (tests). Every setting has one name."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

#: Settings that may be given as STUDYAPP_<NAME> in the environment, with their type.
ENV_SETTINGS: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "RATELIMIT_STORAGE_URI": str,
    "LOGIN_RATE_LIMIT": str,
    "TIMEZONE": str,
    "SESSION_COOKIE_SECURE": bool,
    "CONTENT_DIR": str,
    "SQLITE_BUSY_TIMEOUT_MS": int,
    "API_TOKEN_HOURS": int,
    "ORGANIZATION_NAME": str,
    "SIGNIN_EARLY_MINUTES": int,
}


class Defaults:
    """Defaults suitable for a single machine; production overrides via the environment."""

    DATABASE_URL = None  # None: SQLite file in the instance folder
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "10 per minute"
    TIMEZONE = "Asia/Shanghai"
    CONTENT_DIR = None  # None: <project>/content
    SQLITE_BUSY_TIMEOUT_MS = 15000
    API_TOKEN_HOURS = 24 * 7
    ORGANIZATION_NAME = "示范机关党委"
    SIGNIN_EARLY_MINUTES = 15  # group-study sign-in opens this long before the session starts

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set STUDYAPP_SESSION_COOKIE_SECURE=1 behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # An exam can last two hours; the session must outlive it with room to spare.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BOOTSTRAP_SERVE_LOCAL = True
    JSON_AS_ASCII = False


def parse_bool(value: str) -> bool:
    """Read a yes/no environment value strictly, so a typo is an error, not False."""
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


def from_environment(environ: os._Environ | dict) -> dict:
    """Collect STUDYAPP_* settings from the environment, converted to their types."""
    found = {}
    for name, kind in ENV_SETTINGS.items():
        raw = environ.get(f"STUDYAPP_{name}")
        if raw is None:
            continue
        try:
            found[name] = parse_bool(raw) if kind is bool else kind(raw)
        except ValueError as exc:
            raise RuntimeError(f"environment variable STUDYAPP_{name}: {exc}") from None
    return found


def load_or_create_secret(instance_path: Path) -> str:
    """Return the secret key kept in the instance folder, generating it on first use."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race: use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'studyapp.sqlite3'}"
