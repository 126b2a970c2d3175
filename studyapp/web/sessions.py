"""The signed-cookie session, re-signed only when there is a reason to.

Flask re-signs a permanent session's cookie on every response so that its expiry slides. Signing is
a noticeable share of a small request (autosave, chapter reads), so this interface slides the expiry
only once the cookie is older than REFRESH_AFTER: a member active during a long exam still never
reaches PERMANENT_SESSION_LIFETIME, and most responses carry no Set-Cookie at all. Any change to the
session (login, logout, flash messages) is written at once, as before.

Checking the cookie's signature is the other half of that cost, paid again on every request for the same
few cookies; a cookie whose signature checked out is remembered (verified_signature), so a request repeats
only the expiry check and the decoding of its payload.
"""
from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta, timezone

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

REFRESH_AFTER = timedelta(minutes=10)
#: Signed values remembered per worker: a few hundred bytes each, enough for every member of a busy
#: sitting served by one worker; a value not remembered is simply checked again.
VERIFIED_SIGNATURES = 8192
#: Only its clock is used: the one itsdangerous checks a signature's age with.
_SIGNERS_CLOCK = TimestampSigner("clock only")


class StampedSession(SecureCookieSession):
    """The session plus when its cookie was signed (None: new, or not from a valid cookie)."""

    signed_at: datetime | None = None


class SlidingSessionInterface(SecureCookieSessionInterface):
    session_class = StampedSession
    #: The same SHA-1 as Flask's default (the same cookies), given as hashlib's own function: Flask's
    #: lazy wrapper around it sends every HMAC down the standard library's pure-Python path.
    digest_method = staticmethod(hashlib.sha1)

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
            data, signed_at = loads_verified(serializer, value, max_age)
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


def loads_verified(serializer: URLSafeTimedSerializer, value: str, max_age: int | None):
    """serializer.loads(value, max_age=max_age, return_timestamp=True), with the signature check of a value
    seen before skipped: (data, signed at), or BadSignature (SignatureExpired once older than max_age).
    Session cookies and CSRF tokens both go through it."""
    payload, signed_at = verified_signature(serializer, value)
    # The same bounds on the same clock as itsdangerous (whole seconds; a future timestamp is refused too).
    age = _SIGNERS_CLOCK.get_timestamp() - int(signed_at.timestamp())
    if max_age is not None and (age > max_age or age < 0):
        raise SignatureExpired(f"Signature age {age} > {max_age} seconds", payload=payload, date_signed=signed_at)
    # Decoded afresh each time: the session gets its own objects, which it may change.
    return serializer.load_payload(payload), signed_at


@functools.lru_cache(maxsize=VERIFIED_SIGNATURES)
def verified_signature(serializer: URLSafeTimedSerializer, value: str) -> tuple[bytes, datetime]:
    """The signed payload and its timestamp, once one of the serializer's keys (current or fallback)
    verifies the value; BadSignature otherwise (never remembered). A pure function of the value and the
    keys: safe to share between the requests of a worker, and every worker computes the same."""
    last_error: BadSignature | None = None
    for signer in _unsigners(serializer):
        try:
            return signer.unsign(value, return_timestamp=True)
        except BadSignature as exc:
            last_error = exc
    raise last_error or BadSignature("no key to check the signature with")


@functools.cache
def _unsigners(serializer: URLSafeTimedSerializer) -> tuple:
    """The serializer's signers (current key, then fallbacks), built once: itsdangerous builds them and
    derives their keys from the secret again on every check. The serializers are built once per key set
    (SlidingSessionInterface.get_signing_serializer, extensions._csrf_serializer), so this stays small."""
    signers = tuple(serializer.iter_unsigners())
    for signer in signers:
        signer.derive_key = functools.cache(signer.derive_key)  # a pure function of the secret key
    return signers


def _now() -> datetime:
    return datetime.now(timezone.utc)
