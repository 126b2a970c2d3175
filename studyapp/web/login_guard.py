"""Login limits, shared by the web login and POST /api/v1/auth/token.

Two limits, counted in the rate-limit storage (Redis when RATELIMIT_STORAGE_URI names it, so every
worker and host shares one count; memory:// counts per process):

- per login id, the defence against guessing: LOGIN_ACCOUNT_FREE_ATTEMPTS attempts since the last
  successful login, then one attempt per LOGIN_BACKOFF_SECONDS, doubling with each further attempt up
  to LOGIN_BACKOFF_MAX_SECONDS. The attempt is counted before the password is checked, so parallel
  requests cannot slip extra guesses in, and a login id that does not exist is counted like any other.
- per client address, LOGIN_RATE_LIMIT failed attempts: generous, because behind a proxy that is not
  declared in TRUSTED_PROXIES every member shares the proxy's address. Successful logins do not count,
  so the login wave at the start of a sitting never meets it.

Redis must not stand between a member and a login: if the storage fails, this process counts in
memory for a while and tries the storage again later.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits import parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

#: A login id's attempt count is forgotten this long after its last attempt.
COUNT_MEMORY_SECONDS = 24 * 3600
#: After a storage failure, count in memory this long before trying the storage again.
RETRY_STORAGE_AFTER = 30.0
PREFIX = "studyapp:login"


@dataclass(frozen=True)
class Refusal:
    """A login attempt refused before its password was checked."""

    message: str
    retry_after: int


def init_app(app: Flask) -> None:
    options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    app.extensions["login_guard"] = _Counters(app.config["RATELIMIT_STORAGE_URI"], options)


def check(username: str) -> Refusal | None:
    """Count this attempt on the login id and the address; a Refusal when either limit says wait."""
    if not _enabled():
        return None
    counters, config = _counters(), current_app.config
    address_limit = parse(config["LOGIN_RATE_LIMIT"])
    address = _address_key()
    if not counters.run(lambda s: FixedWindowRateLimiter(s).test(address_limit, address)):
        reset = counters.run(lambda s: FixedWindowRateLimiter(s).get_window_stats(address_limit, address).reset_time)
        wait = max(1, int(reset - time.time()) + 1)
        return Refusal(f"登录失败次数过多，请{_duration(wait)}后再试。", wait)
    account = _account_key(username)
    attempt = counters.run(lambda s: s.incr(f"{account}:n", COUNT_MEMORY_SECONDS))
    free = config["LOGIN_ACCOUNT_FREE_ATTEMPTS"]
    if attempt <= free:
        return None
    delay = min(config["LOGIN_BACKOFF_SECONDS"] * 2 ** (attempt - free - 1), config["LOGIN_BACKOFF_MAX_SECONDS"])
    # One attempt per backoff period: whoever increments the period's slot first may try.
    if counters.run(lambda s: s.incr(f"{account}:slot", delay)) == 1:
        return None
    counters.run(lambda s: s.incr(f"{account}:n", COUNT_MEMORY_SECONDS, amount=-1))  # a refusal is no attempt
    wait = max(1, int(counters.run(lambda s: s.get_expiry(f"{account}:slot")) - time.time()) + 1)
    return Refusal(f"该账号登录失败次数过多，为保护账号安全，请{_duration(wait)}后再试。", wait)


def failed() -> None:
    """Count a failed attempt against the client address."""
    if _enabled():
        limit = parse(current_app.config["LOGIN_RATE_LIMIT"])
        address = _address_key()
        _counters().run(lambda s: FixedWindowRateLimiter(s).hit(limit, address))


def succeeded(username: str) -> None:
    """A successful login starts the login id's count afresh."""
    if _enabled():
        account = _account_key(username)
        _counters().run(lambda s: (s.clear(f"{account}:n"), s.clear(f"{account}:slot")))


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _counters() -> _Counters:
    return current_app.extensions["login_guard"]


def _address_key() -> str:
    # request.remote_addr is the member's address once ProxyFix (TRUSTED_PROXIES) has applied.
    return f"{PREFIX}:addr:{request.remote_addr or '-'}"


def _account_key(username: str) -> str:
    # Login ids are case-insensitive; hashed so that any text makes a well-formed storage key.
    digest = hashlib.sha256(username.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{PREFIX}:acct:{digest}"


def _duration(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 120 else f"{(seconds + 59) // 60}分钟"


class _Counters:
    """The shared storage, with this process's memory standing in while it is unreachable."""

    def __init__(self, uri: str, options: dict) -> None:
        self.uri, self.options = uri, options
        self._primary: Storage | None = None
        self._fallback = MemoryStorage()
        self._down_until = 0.0

    def run(self, operation):
        if time.monotonic() >= self._down_until:
            try:
                if self._primary is None:
                    self._primary = storage_from_string(self.uri, **self.options)
                return operation(self._primary)
            except Exception:  # any storage failure: count in memory rather than refuse logins
                log.warning("login limit storage %s unreachable; counting in memory", self.uri, exc_info=True)
                self._down_until = time.monotonic() + RETRY_STORAGE_AFTER
        return operation(self._fallback)
