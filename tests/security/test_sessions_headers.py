"""Sessions and headers: rotation at login, every way of losing access takes effect on the next request
on every device (web sessions and API tokens), cookie flags, security headers, body limits, redirects."""
from __future__ import annotations

import pytest
from studyapp import create_app
from studyapp.config import from_environment
from studyapp.database import intending_to_write
from studyapp.extensions import db as _db
from studyapp.models import User
from studyapp.models.exams import Answer
from studyapp.services import accounts
from tests.conftest import PASSWORD, AuthActions, IsolatedClient


def _api_token(client, user) -> str:
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["token"]


def _devices(app, user, n=2):
    clients = []
    for _ in range(n):
        client = app.test_client()
        assert AuthActions(client).login(user).status_code == 302
        assert client.get("/study/me").status_code == 200
        clients.append(client)
    return clients


def _logged_out(client) -> bool:
    response = client.get("/study/me")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_starts_a_fresh_session(client, auth, member_a):
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    before = client.get_cookie("session").value
    auth.login(member_a)
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess.permanent


@pytest.mark.parametrize("how", ["logout", "password", "deactivate", "demote", "reset"])
def test_losing_access_takes_effect_on_every_device(app, db, how, organizer_a, admin):
    phone, laptop = _devices(app, organizer_a)
    token = _api_token(app.test_client(), organizer_a)
    user_id = organizer_a.id
    if how == "logout":
        phone.post("/logout")
    elif how == "password":
        response = phone.post("/password", data={"current": PASSWORD, "new": "another-horse-9", "confirm": "another-horse-9"})
        assert response.status_code == 302
        assert phone.get("/study/me").status_code == 200  # the device that changed it stays in
    else:
        db.session.rollback()  # drop the test's read snapshot before writing (SQLite)
        with intending_to_write():
            user = db.session.get(User, user_id)
            {"deactivate": lambda: accounts.set_active(db.session, user, False),
             "demote": lambda: accounts.set_role(db.session, user, "member"),
             "reset": lambda: accounts.reset_password(db.session, user)}[how]()
            db.session.commit()
    assert _logged_out(laptop)
    if how != "password":
        assert _logged_out(phone)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_role_removal_closes_the_organizer_pages(app, db, organizer_a):
    device = _devices(app, organizer_a, 1)[0]
    assert device.get("/manage/members").status_code == 200
    db.session.rollback()
    with intending_to_write():
        accounts.set_role(db.session, db.session.get(User, organizer_a.id), "member")
        db.session.commit()
    AuthActions(device).login(organizer_a)
    assert device.get("/manage/members").status_code in (403, 404)


def test_a_copied_cookie_is_dead_after_logout(app, member_a):
    device = _devices(app, member_a, 1)[0]
    stolen = device.get_cookie("session").value
    device.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert _logged_out(thief)


def test_session_cookie_slides_without_being_re_signed_on_every_response(client, auth, member_a, monkeypatch):
    from datetime import datetime, timedelta, timezone

    from studyapp.web import sessions

    auth.login(member_a)
    client.get("/study/me")  # shows (and so removes) the login's flash message: a real change
    response = client.get("/study/me")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    later = datetime.now(timezone.utc) + sessions.REFRESH_AFTER + timedelta(seconds=1)
    monkeypatch.setattr(sessions, "_now", lambda: later)
    response = client.get("/study/me")
    assert response.status_code == 200 and response.headers["Set-Cookie"].startswith("session=")


def test_cookie_flags(client, auth, member_a):
    response = auth.login(member_a)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_in_production_config(database_config, monkeypatch, member_a):
    assert from_environment({"STUDYAPP_SESSION_COOKIE_SECURE": "1"}) == {"SESSION_COOKIE_SECURE": True}
    monkeypatch.setenv("STUDYAPP_SESSION_COOKIE_SECURE", "1")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      **database_config})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.test_client_class = IsolatedClient  # requests must not leak write intent into the test's context
    with app.app_context():
        client = app.test_client()
        response = client.post("/login", data={"username": "member_a", "password": PASSWORD},
                               base_url="https://localhost")
        assert response.status_code == 302
        assert "Secure" in response.headers["Set-Cookie"]
        _db.session.remove()
        _db.engine.dispose()  # its connections must not outlive the test (unraisable warnings on PostgreSQL)


def test_security_headers_on_pages_and_errors(client, auth, member_a):
    for path in ("/login", "/nope"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")


def test_exam_and_score_pages_are_not_stored(client, auth, db, clock, exam_setup, member_a):
    _, sitting, _ = exam_setup
    assert auth.login(member_a).status_code == 302
    attempt_path = client.post(f"/exams/sittings/{sitting.id}/start").headers["Location"]
    assert attempt_path.startswith("/exams/attempts/")

    def check(path):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path

    check(attempt_path)
    client.post(attempt_path + "/submit")
    for path in (attempt_path + "/result", "/exams/records", "/exams/"):
        check(path)


def test_oversized_body_is_413_and_nothing_is_written(app, client, auth, db, clock, exam_setup, member_a):
    _, sitting, questions = exam_setup
    auth.login(member_a)
    attempt_path = client.post(f"/exams/sittings/{sitting.id}/start").headers["Location"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    body = '{"answer": "B", "seq": 1, "pad": "' + "x" * 4096 + '"}'
    response = client.put(f"{attempt_path}/answers/{questions['single'].id}", data=body,
                          content_type="application/json", headers={"Accept": "application/json"})
    assert response.status_code == 413
    response = app.test_client().post("/login", data={"username": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    db.session.rollback()
    assert db.session.query(Answer).count() == 0


def test_max_content_length_is_configured():
    from studyapp.config import Defaults

    assert 1024 * 1024 <= Defaults.MAX_CONTENT_LENGTH <= 64 * 1024 * 1024


@pytest.mark.parametrize("target, safe", [
    ("/study/me", True), ("/exams/?x=1", True),
    ("https://evil.example/", False), ("//evil.example/", False), ("/\\evil.example", False),
    ("\\\\evil.example", False), ("/\t/evil.example", False), ("javascript:alert(1)", False),
    ("http:/evil.example", False), ("evil.example", False), (" //evil.example", False),
])
def test_next_redirects_stay_on_this_site(client, member_a, target, safe):
    response = client.post("/login", query_string={"next": target},
                           data={"username": member_a.username, "password": PASSWORD})
    location = response.headers["Location"]
    assert (location == target) if safe else location == "/", location



def test_csrf_tokens_are_checked_every_time_though_their_signature_is_remembered(app, member_a, member_b,
                                                                                 monkeypatch):
    """A token accepted once is accepted again; one from another session, a forged one and an expired one
    are refused each time (the signature check is remembered per worker, nothing else is)."""
    import re

    import itsdangerous.timed

    mine, theirs = _devices(app, member_a, 1)[0], _devices(app, member_b, 1)[0]
    app.config["WTF_CSRF_ENABLED"] = True

    def token(client):
        page = client.get("/study/me").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def logout(client, value):
        return client.post("/logout", headers={"X-CSRFToken": value, "Accept": "application/json"})

    good, other = token(mine), token(theirs)
    for value in (other, other, good[:-2] + "xx", "forged"):
        response = logout(mine, value)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf", value
    assert not _logged_out(mine)

    later = itsdangerous.timed.time.time() + app.config["WTF_CSRF_TIME_LIMIT"] + 5
    monkeypatch.setattr(itsdangerous.timed, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    monkeypatch.setattr(app, "permanent_session_lifetime", app.permanent_session_lifetime * 10)
    expired = logout(mine, good)
    assert expired.status_code == 400 and expired.get_json()["error"]["code"] == "csrf"
    monkeypatch.undo()
    app.config["WTF_CSRF_ENABLED"] = True
    assert logout(mine, good).status_code in (200, 302) and _logged_out(mine)


def test_cookies_and_tokens_signed_the_stock_way_are_accepted(app, member_a):
    """The session interface and the CSRF check sign with hashlib's own SHA-1 (HMAC's fast path): the same
    signatures as Flask's and Flask-WTF's defaults, so cookies and tokens issued before an upgrade, or by a
    worker still on the old code, keep working; a value signed with another key is still refused."""
    from flask import Flask, session
    from flask.sessions import SecureCookieSessionInterface
    from flask_wtf.csrf import generate_csrf

    client = _devices(app, member_a, 1)[0]
    ours = app.session_interface.get_signing_serializer(app)
    with app.test_request_context():
        stock = SecureCookieSessionInterface().get_signing_serializer(app)
        data = ours.loads(client.get_cookie("session").value)
        assert ours.loads(stock.dumps(data)) == data == stock.loads(ours.dumps(data))
        other_app = Flask("other")
        other_app.secret_key = "another"
        forged = SecureCookieSessionInterface().get_signing_serializer(other_app).dumps(data)
    client.set_cookie("session", stock.dumps(data))
    assert client.get("/study/me").status_code == 200
    client.set_cookie("session", forged)
    assert _logged_out(client)

    client = _devices(app, member_a, 1)[0]
    app.config["WTF_CSRF_ENABLED"] = True
    with client.session_transaction() as sess:
        raw = sess["csrf_token"]
    with app.test_request_context():
        session["csrf_token"] = raw
        stock_token = generate_csrf()  # Flask-WTF's own serializer and default digest
    response = client.post("/logout", headers={"X-CSRFToken": stock_token, "Accept": "application/json"})
    assert response.status_code in (200, 302) and _logged_out(client)
