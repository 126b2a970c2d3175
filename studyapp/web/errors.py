"""Error pages in Chinese; JSON errors under /api/."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from ..database import is_lock_timeout, is_unavailable
from ..extensions import db

MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限访问此页面",
    404: "页面不存在",
    405: "不支持的操作",
    409: "操作与当前状态冲突",
    413: "上传的内容太大",
    422: "提交的内容无法处理",
    429: "操作过于频繁，请稍后再试",
    500: "服务器内部错误",
    503: "服务器繁忙，请稍后再试",
}

#: Machine-readable error codes of JSON errors, matching services.errors codes where they overlap.
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 422: "invalid", 429: "rate_limited", 500: "internal_error", 503: "busy",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str | None = None, code: str | None = None, headers=None):
    message = message or MESSAGES.get(status, "出错了")
    if wants_json():
        body = {"error": {"code": code or CODES.get(status, str(status)), "message": message}}
        response = jsonify(body)
    else:
        template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
        response = render_template(template, status=status, message=message)
    response = _as_response(response)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


UNAVAILABLE_MESSAGE = "服务器暂时无法访问数据库，答案未保存，请稍后重试（已保存的答案不会丢失）"


def unavailable_response():
    """503 + Retry-After without touching the database: no user loading, no navigation."""
    if wants_json():
        return error_response(503, UNAVAILABLE_MESSAGE, "unavailable", {"Retry-After": "5"})
    # Drawn without the context processors: Flask-Login's would ask the database who is signed in.
    page = current_app.jinja_env.get_template("errors/unavailable.html").render(message=UNAVAILABLE_MESSAGE)
    response = _as_response(page)
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


def forget_transaction() -> None:
    """Roll back; on a dead connection the rollback itself may fail, and the pool replaces it anyway."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 (any driver error here means the connection is gone)
        db.session.close()


def _as_response(value):
    from flask import make_response

    return make_response(value)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        description = exc.description if exc.description and not exc.description.startswith(
            ("The ", "You ", "Bad ", "A ", "This ", "Method", "The requested")
        ) else None
        headers = {}
        if exc.code == 429:
            # Flask-Limiter describes the limit in English ("10 per 1 minute"): members read Chinese.
            description = None
            headers["Retry-After"] = "60"
        return error_response(exc.code or 500, description, headers=headers)

    @app.errorhandler(CSRFError)
    def _csrf_error(_exc: CSRFError):
        # Usually an expired session (its CSRF secret went with it): say what to do, never just "bad request".
        # Whether someone is signed in is asked of the database, which may be the thing that is down.
        try:
            signed_in = current_user.is_authenticated
        except DBAPIError as exc:
            return _database_error(exc)
        if not signed_in:
            return error_response(401, "登录已过期，请重新登录（已保存的答案不会丢失）", "login_required")
        return error_response(400, "页面已过期，请刷新页面后重试（未保存的答案会在刷新后重新保存）", "csrf")

    def _retry_later(exc: DBAPIError):
        """The 503 for a database error that is the database's state rather than a bug; None otherwise."""
        if is_lock_timeout(exc):
            # A writer queue longer than the busy timeout: tell the client to retry, lose nothing.
            return error_response(503, "服务器繁忙，答案未保存，请稍后重试", "busy", {"Retry-After": "2"})
        if is_unavailable(exc):
            # The database is restarting or out of reach. Nothing was committed, so the client retries
            # (the exam page keeps unsent answers); the pool reconnects by itself once it is back.
            app.logger.warning("database unavailable: %s", str(getattr(exc, "orig", exc)).strip()[:200])
            return unavailable_response()
        return None

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError):
        forget_transaction()
        response = _retry_later(exc)
        if response is None:
            raise exc
        return response

    @app.errorhandler(500)
    def _internal(exc):
        forget_transaction()
        # Flask lands here as well when an error handler itself raised: a database that went away while a
        # 404 or 403 page was being drawn is still an outage (503, retry), not a defect of the page.
        cause = getattr(exc, "original_exception", None)
        response = _retry_later(cause) if isinstance(cause, DBAPIError) else None
        return error_response(500) if response is None else response
