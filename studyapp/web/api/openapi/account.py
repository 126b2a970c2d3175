"""Log in, tokens, password, who am I."""
from __future__ import annotations

from .common import BAD_BODY, BUSY, RATE_LIMITED, STRING, TIME, error, obj, ok, op, ref

SCHEMAS = {
    "TokenRequest": obj({"username": {"type": "string", "minLength": 1},
                         "password": {"type": "string", "minLength": 1}}),
    "Token": obj({"token": STRING, "expires_at": TIME}),
    "Me": obj({"username": STRING, "name": STRING, "branch": STRING,
               "role": {"type": "string", "enum": ["member", "organizer", "admin"]}}),
    "PasswordChange": obj({
        "username": {"type": "string", "minLength": 1},
        "password": {"type": "string", "minLength": 1, "description": "the current password or the one-time code"},
        "new_password": {"type": "string", "minLength": 1,
                         "description": "the website's rules: length, not the login id, name or phone, not common"},
    }),
}

PATHS = {
    "/auth/token": {
        "post": op("createToken", "account", "Log in: exchange username and password for a bearer token", {
            "200": ok(ref("Token")),
            "401": error("wrong username or password"),
            "403": error("code password_change_required: the account still has its initial password; "
                         "choose a password first (POST /auth/password, or on the website)"),
            "429": RATE_LIMITED,
            **BAD_BODY,
        }, secure=False, body="TokenRequest"),
        "delete": op("revokeToken", "account", "Log out: revoke the token used for this request",
                     {"204": {"description": "revoked"}}),
    },
    "/auth/password": {"post": op(
        "changePassword", "account",
        "Choose a new password (also the first one, with the one-time code); returns a token for it",
        {"200": ok(ref("Token"), "changed; every older token and web session has ended"),
         "401": error("wrong username or password"), "422": error("the new password breaks a rule (message says which)"),
         "400": error("body is not JSON"), "429": RATE_LIMITED, **BUSY},
        secure=False, body="PasswordChange",
    )},
    "/auth/token/refresh": {"post": op(
        "refreshToken", "account",
        "Trade this token for a new one with a full lifetime (API_TOKEN_HOURS); the old one ends at once",
        {"200": ok(ref("Token")), **BUSY},
    )},
    "/me": {"get": op("getMe", "account", "The logged-in person", {"200": ok(ref("Me"))})},
}
