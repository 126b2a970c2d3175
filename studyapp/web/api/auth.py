"""Tokens: POST /auth/token logs in, DELETE /auth/token logs out; `bearer` guards every other route."""
from __future__ import annotations

import functools

from flask import current_app, g, request

from ...database import intending_to_write
from ...extensions import db
from ...services import accounts, api_tokens
from .. import login_guard
from ..clock import now
from ..hooks import SAFE_METHODS
from . import bp, error, unusable_login
from .shapes import iso, json_body


def bearer(view):
    """Admit a request only with a valid `Authorization: Bearer <token>`; sets g.api_user and g.api_token."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return error(401, "unauthorized", "缺少令牌：请在 Authorization 头中提供 Bearer 令牌")
        moment = now()
        try:
            g.api_user, g.api_token = api_tokens.authenticate(db.session, token.strip(), moment)
        except api_tokens.Unauthorized as exc:
            db.session.rollback()
            return error(401, exc.code, str(exc))
        if request.method not in SAFE_METHODS:
            # GETs never write; state-changing requests record the use and commit with their own work.
            api_tokens.touch(db.session, g.api_token, moment)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/auth/token", methods=["POST"])
def create_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        return error(422, "invalid", "请提供 username 和 password（字符串）")
    if unusable_login(username, password):
        return error(401, "unauthorized", "登录名或密码不正确")
    refusal = login_guard.check(username)
    if refusal is not None:
        body, status = error(429, "rate_limited", refusal.message)
        return body, status, {"Retry-After": str(refusal.retry_after)}
    # Verified before the writing transaction begins (see accounts.verify_credentials).
    user_id = accounts.verify_credentials(db.session, username, password)
    db.session.rollback()
    try:
        with intending_to_write():
            token, row = api_tokens.issue(db.session, user_id, password, now(), current_app.config["API_TOKEN_HOURS"])
            db.session.commit()
    except api_tokens.Unauthorized:
        login_guard.failed()
        raise
    except api_tokens.PasswordChangeRequired:
        login_guard.succeeded(username)  # the right one-time code: not a guess
        raise
    login_guard.succeeded(username)
    return {"token": token, "expires_at": iso(row.expires_at)}


@bp.route("/auth/token", methods=["DELETE"])
@bearer
def revoke_token():
    api_tokens.revoke(db.session, g.api_token, now())
    db.session.commit()
    return "", 204
