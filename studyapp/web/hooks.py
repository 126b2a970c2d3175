"""Per-request behaviour: write intent, forced password change, security headers, user loading."""
from __future__ import annotations

import functools

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError

from ..database import write_intent
from ..extensions import db, login_manager
from ..models import User
from ..services.accounts import SessionClaim, claim_holds
from .errors import forget_transaction

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: GET pages that write as they are shown (tests/security/access_table.py says why each does): on SQLite
#: they must take the write lock at BEGIN like any other writer.
WRITING_GETS = {"contests.play", "daily.today"}
#: POSTs that read first and open their writing transaction themselves: a login verifies the password
#: (a deliberately slow hash) before it writes, and must not hold SQLite's write lock meanwhile.
READ_THEN_WRITE = {"auth.login", "api.create_token"}
#: Views whose own statement confirms the session's claim (services.accounts.claim_state) instead of the
#: user being loaded before they run: the busiest requests of a sitting (start, autosave, submit) then cost
#: one statement less and no ORM user. Such a view takes the claim from session_claim() and must refuse, as
#: the hooks would, a claim that no longer holds (401 or the login page) and an account that must change
#: its password (403 or the password page): services.accounts.confirmed_user_id.
CLAIM_CHECKED_BY_VIEW = {"exams.start", "exams.save", "exams.submit"}
#: Endpoints a user who must change the password may still reach.
OPEN_DURING_FORCED_CHANGE = {"auth.change_password", "auth.logout", "static", "bootstrap.static"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: Added to every response that does not set its own.
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Resolve "id:version"; a stale version (password changed, logged out elsewhere) is no user."""
    claim = SessionClaim.parse(session_id)
    if claim is None:
        return None
    return db.session.execute(_user_statement(), {"id": claim.user_id, "version": claim.version}).scalar()


@functools.cache
def _user_statement():
    # Built once: every logged-in request runs it, and session.get() builds its query each time (a
    # third of the cost of loading the user).
    return select(User).where(claim_holds(bindparam("id"), bindparam("version")))


def session_claim() -> SessionClaim | None:
    """The session's claim, for a view in CLAIM_CHECKED_BY_VIEW; None elsewhere, and when the session names
    nobody (such a request goes the usual way: no user, refused by its blueprint's login check)."""
    if request.endpoint not in CLAIM_CHECKED_BY_VIEW:
        return None
    return SessionClaim.parse(session.get("_user_id"))


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    # Registered first, so it runs after every other after_request hook (Flask runs them in reverse).
    @app.after_request
    def _end_reading_with_commit(response):
        # A reading request ends its transaction with COMMIT (the same as ROLLBACK for a transaction that
        # wrote nothing): psycopg forgets every prepared statement at a ROLLBACK, so PostgreSQL would
        # plan each query of each page again; the chapter page's planning cost as much as running it.
        # Anything that fails still rolls back (teardown, error handlers).
        # A reading request that changed an object anyway (a bug the GETs-never-write tests look for) is
        # rolled back as before, never committed here.
        current = db.session()
        if (request.method in SAFE_METHODS and not write_intent.get() and response.status_code < 400
                and current.in_transaction() and not (current.new or current.dirty or current.deleted)):
            try:
                db.session.commit()
            except DBAPIError:  # the connection died after the response was built: nothing to keep
                forget_transaction()
        return response

    @app.before_request
    def _mark_write_intent():
        # SQLite: requests that may write take the write lock at BEGIN (see database.py).
        writes = request.method not in SAFE_METHODS and request.endpoint not in READ_THEN_WRITE
        write_intent.set(writes or request.endpoint in WRITING_GETS)

    @app.before_request
    def _force_password_change():
        # The endpoint first: API requests (tokens, not this session) and static files load no user here.
        if (
            request.endpoint not in OPEN_DURING_FORCED_CHANGE
            and not (request.endpoint or "").startswith("api.")
            and session_claim() is None
            and current_user.is_authenticated
            and current_user.must_change_password
        ):
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        # One pass over what the view set (setdefault would scan the headers once per header added).
        present = {name.lower() for name, _ in headers}
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        # The session says who is logged in; asking current_user would reload the user after the commit.
        if "cache-control" not in present and session.get("_user_id") and request.endpoint != "static":
            # Personal pages (scores, exams) must not be kept by shared browsers or proxies.
            headers.add("Cache-Control", "no-store")
        return response
