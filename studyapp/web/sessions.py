"""The signed-cookie session, re-signed only when there is a reason to.

Flask re-signs a permanent session's cookie on every response so that its expiry slides. Signing is
a noticeable share of a small request (autosave, chapter reads), so this interface slides the expiry
only once the cookie is older than REFRESH_AFTER: a member active during a long exam still never
reaches PERMANENT_SESSION_LIFETIME, and most responses carry no Set-Cookie at all. Any change to the
session (login, logout, flash messages) is written at once, as before.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

REFRESH_AFTER = timedelta(minutes=10)


class StampedSession(SecureCookieSession):
    """The session plus when its cookie was signed (None: new, or not from a valid cookie)."""

    signed_at: datetime | None = None


class SlidingSessionInterface(SecureCookieSessionInterface):
    session_class = StampedSession

    def __init__(self) -> None:
        self._serializers: dict = {}

    def get_signing_serializer(self, app: Flask):
        # Built once per key set instead of twice per request.
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if key not in self._serializers:
            self._serializers[key] = super().get_signing_serializer(app)
        return self._serializers[key]

    def open_session(self, app: Flask, request: Request) -> StampedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: StampedSession) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or _now() - signed_at >= REFRESH_AFTER


def _now() -> datetime:
    return datetime.now(timezone.utc)
