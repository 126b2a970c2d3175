"""JSON API v1 for mobile and mini-program clients: bearer tokens, no cookies, no CSRF.

Every response is JSON; every error is {"error": {"code", "message"}} (service refusals here,
HTTP errors such as 404/405/429 in web.errors). The contract is described in the openapi package (a module per tag) and served
at /api/v1/openapi.json.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from ...extensions import csrf, db
from ...services.errors import ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def unusable_login(username: str, password: str) -> bool:
    """Credentials no account can have: too long, or a NUL (PostgreSQL text cannot even compare one)."""
    return len(username) > 64 or len(password) > 256 or "\x00" in username


def error(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message}), status


#: Ids are 32-bit integer columns on PostgreSQL; anything larger cannot exist.
MAX_ID = 2**31 - 1


@bp.url_value_preprocessor
def _absurd_ids(_endpoint, values):
    for value in (values or {}).values():
        # No stored id or slug is that large or holds a NUL (which PostgreSQL text cannot even compare).
        if isinstance(value, int) and value > MAX_ID or isinstance(value, str) and "\x00" in value:
            abort(404)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    db.session.rollback()
    return error(exc.status, exc.code, str(exc))


@bp.after_app_request
def _no_store(response):
    # Tokens, papers and scores are personal: never kept by caches or proxies. App-wide by path, so the
    # routing-level 404/405 under /api/ (which belong to no blueprint) carry it too.
    if request.path == "/api" or request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    return response


from . import (  # noqa: E402,F401  (routes register on bp)
    account, assessment, auth, content, contests, daily, exams, group_study, home, ledger, openapi, practice, study,
    wrong_book,
)
