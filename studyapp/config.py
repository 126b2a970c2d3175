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
    "LOGIN_ACCOUNT_FREE_ATTEMPTS": int,
    "LOGIN_BACKOFF_SECONDS": int,
    "LOGIN_BACKOFF_MAX_SECONDS": int,
    "TRUSTED_PROXIES": int,
    "TIMEZONE": str,
    "SESSION_COOKIE_SECURE": bool,
    "CONTENT_DIR": str,
    "SQLITE_BUSY_TIMEOUT_MS": int,
    "API_TOKEN_HOURS": int,
    "ORGANIZATION_NAME": str,
    "SIGNIN_EARLY_MINUTES": int,
    "ASSESSMENT_EVIDENCE_DIR": str,
}


class Defaults:
    """Defaults suitable for a single machine; production overrides via the environment."""

    DATABASE_URL = None  # None: SQLite file in the instance folder
    RATELIMIT_STORAGE_URI = "memory://"
    #: Failed logins (web and API together) per client address: generous, so that a whole organization
    #: behind one proxy address with the odd typo is never locked out (the per-account limit below is
    #: the defence against guessing).
    LOGIN_RATE_LIMIT = "100 per minute"
    #: Attempts on one login id, since its last successful login, before the backoff starts...
    LOGIN_ACCOUNT_FREE_ATTEMPTS = 5
    #: ...then one attempt per this many seconds, doubling with each further attempt, up to the maximum.
    LOGIN_BACKOFF_SECONDS = 30
    LOGIN_BACKOFF_MAX_SECONDS = 900
    #: Reverse proxies in front of the app (0: none). With 1, the member's address is taken from the
    #: X-Forwarded-For header nginx adds (Werkzeug's ProxyFix); never set it higher than the real number.
    TRUSTED_PROXIES = 0
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


def private_folder(path: Path) -> None:
    """Create the instance folder readable by its owner only (it holds the secret and the database)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(path, 0o700)


def private_sqlite_file(url: str) -> None:
    """Create an SQLite database file 0600 before SQLite does (it would follow the umask, usually 0644);
    SQLite gives its -wal and -shm files the database file's permissions."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url or "mode=memory" in url:
        return
    path = Path(url[len(prefix):].split("?", 1)[0])
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError:
        return  # not ours to create (read-only, another user's): SQLite will say what is wrong
    for suffix in ("", "-wal", "-shm"):
        _owner_only(Path(f"{path}{suffix}"), 0o600)


def _owner_only(path: Path, mode: int) -> None:
    """Tighten an existing file or folder of ours that an older version created readable by others."""
    try:
        if path.exists() and path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            os.chmod(path, mode)
    except OSError:
        pass


def sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'studyapp.sqlite3'}"
