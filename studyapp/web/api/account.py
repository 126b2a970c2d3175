"""The member's account in the app: choose a new password (also the first one, after a roster import gave a
one-time code) and refresh a token before it expires. The same account rules as the website's pages."""
from __future__ import annotations

from flask import current_app, g

from ...database import intending_to_write
from ...extensions import db
from ...models import User
from ...services import accounts, api_tokens
from .. import login_guard
from ..clock import now
from . import bp, error, unusable_login
from .auth import bearer
from .shapes import iso, json_body


@bp.route("/auth/password", methods=["POST"])
def change_password():
    """Credentials plus the new password, so a member still on a one-time code (who gets no token) can
    start in the app. Every older token and web session ends; the answer is a token for the new password."""
    body = json_body()
    username, password, new = body.get("username"), body.get("password"), body.get("new_password")
    if not all(isinstance(value, str) and value for value in (username, password, new)):
        return error(422, "invalid", "请提供 username、password（当前密码或一次性密码）和 new_password（字符串）")
    if unusable_login(username, password):
        return error(401, "unauthorized", "登录名或密码不正确")
    if len(new) > 256:
        return error(422, "invalid", "新密码过长")
    refusal = login_guard.check(username)
    if refusal is not None:
        response, status = error(429, "rate_limited", refusal.message)
        return response, status, {"Retry-After": str(refusal.retry_after)}
    user_id = accounts.verify_credentials(db.session, username, password)
    db.session.rollback()
    if user_id is None:
        login_guard.failed()
        return error(401, "unauthorized", "登录名或密码不正确")
    login_guard.succeeded(username)
    with intending_to_write():
        user = db.session.get(User, user_id)
        if user is None or not user.active:
            return error(401, "unauthorized", "登录名或密码不正确")
        # Just verified, as the website's forced change right after logging in with the code.
        current = None if user.must_change_password else password
        accounts.change_password(db.session, user, current, new, new)
        token, row = api_tokens.issue(db.session, user.id, new, now(), current_app.config["API_TOKEN_HOURS"])
        db.session.commit()
    return {"token": token, "expires_at": iso(row.expires_at)}


@bp.route("/auth/token/refresh", methods=["POST"])
@bearer
def refresh_token():
    token, row = api_tokens.renew(db.session, g.api_user, g.api_token, now(), current_app.config["API_TOKEN_HOURS"])
    db.session.commit()
    return {"token": token, "expires_at": iso(row.expires_at)}
