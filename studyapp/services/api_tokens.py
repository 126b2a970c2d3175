"""Issue, check and revoke API bearer tokens.

A token is valid while: not expired, not revoked, its user is active, and the user's session_version
is the one it was issued under. So everything that logs a person out of the web (password change or
reset, deactivation, role change) also ends their API tokens, with no extra bookkeeping.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..models import User
from ..models.api_tokens import ApiToken
from . import accounts
from .errors import PasswordChangeRequired, Unauthorized

#: last_used_at is written at most this often per token, so reads stay reads most of the time.
TOUCH_EVERY = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, user_id: int | None, password: str, now: datetime, hours: int) -> tuple[str, ApiToken]:
    """A token for the user whose credentials accounts.verify_credentials accepted (None: refused);
    returns (token, row); the token itself is never stored."""
    user = None if user_id is None else accounts.record_login(session, user_id, password, now)
    if user is None:
        raise Unauthorized("登录名或密码不正确")
    if user.must_change_password:
        # An initial or reset password is a one-time code: the member must choose a password on the web first.
        raise PasswordChangeRequired("首次登录，请先设置您自己的密码")
    return _new_token(session, user, now, hours)


def _new_token(session: Session, user: User, now: datetime, hours: int) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=hash_token(token), session_version=user.session_version,
                   created_at=now, expires_at=now + timedelta(hours=hours))
    session.add(row)
    session.flush()
    return token, row


def renew(session: Session, user: User, row: ApiToken, now: datetime, hours: int) -> tuple[str, ApiToken]:
    """Trade a live token for a fresh one with a full lifetime; the old one stops working at once, so
    a refresh never doubles the tokens in circulation. `row` must come from authenticate()."""
    revoke(session, row, now)
    return _new_token(session, user, now, hours)


def authenticate(session: Session, token: str, now: datetime) -> tuple[User, ApiToken]:
    """The user a bearer token stands for; Unauthorized when it is unknown, expired, revoked or stale."""
    found = session.execute(_token_statement(), {"token_hash": hash_token(token)}).first()
    if found is None or found.ApiToken.revoked_at is not None:
        raise Unauthorized("令牌无效或已撤销，请重新登录")
    row, user = found
    if row.expires_at <= now:
        raise Unauthorized("令牌已过期，请重新登录")
    if not user.active or user.session_version != row.session_version:
        raise Unauthorized("登录已失效，请重新登录")
    return user, row


@functools.cache
def _token_statement():
    # The token with its user in one round trip, built once: every API request runs it.
    return (select(ApiToken, User).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == bindparam("token_hash")))


def touch(session: Session, row: ApiToken, now: datetime) -> bool:
    """Record use, at most every TOUCH_EVERY; True when a write was made."""
    if row.last_used_at is not None and now - row.last_used_at < TOUCH_EVERY:
        return False
    session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now)
                    .execution_options(synchronize_session=False))
    return True


def revoke(session: Session, row: ApiToken, now: datetime) -> None:
    if row.revoked_at is None:
        row.revoked_at = now
        session.flush()


def revoke_all(session: Session, user: User, now: datetime) -> int:
    """End every token of the user (e.g. on "log out everywhere"); returns how many were live."""
    result = session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                             .values(revoked_at=now).execution_options(synchronize_session=False))
    return result.rowcount
