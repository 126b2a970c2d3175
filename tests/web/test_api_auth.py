"""API tokens: issue, expiry, revocation, invalidation with the web session, rate limit, error shape."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from fixtures_api import conforms
from studyapp.database import intending_to_write
from studyapp.models import ApiToken
from studyapp.services import accounts


def _error(response, status: int, code: str | None = None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    conforms(body, "Error")
    if code:
        assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body


def test_good_credentials_give_a_token_that_expires_after_the_configured_hours(app, db, api, member_a, clock):
    response = api.login(member_a)
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, "Token")
    assert body["expires_at"].endswith("+00:00")
    hours = app.config["API_TOKEN_HOURS"]
    assert datetime.fromisoformat(body["expires_at"]) == clock.now + timedelta(hours=hours)
    # Only the hash is stored.
    db.session.rollback()
    row = db.session.query(ApiToken).one()
    assert row.token_hash != body["token"] and body["token"] not in row.token_hash
    assert api.get("/me", body["token"]).status_code == 200
    clock.set(clock.now + timedelta(hours=hours, seconds=1))
    _error(api.get("/me", body["token"]), 401, "unauthorized")


def test_bad_credentials_are_401_and_bad_bodies_are_4xx(api, member_a):
    _error(api.login(member_a, "wrong-password"), 401, "unauthorized")
    _error(api.login("nobody"), 401)
    _error(api.post("/auth/token", json={"username": "member_a"}), 422, "invalid")
    _error(api.post("/auth/token", json=["member_a", "x"]), 422)
    _error(api.post("/auth/token", data="{not json", content_type="application/json"), 400, "bad_request")


def test_deactivated_member_gets_no_token(db, api, member_a):
    member_a.active = False
    db.session.commit()
    _error(api.login(member_a), 401)


def test_initial_password_must_be_changed_on_the_web_first(db, api, member_a):
    member_a.must_change_password = True
    db.session.commit()
    _error(api.login(member_a), 403, "password_change_required")


def test_missing_malformed_and_unknown_tokens_are_401(api, member_a):
    _error(api.get("/me"), 401, "unauthorized")
    _error(api.get("/me", headers={"Authorization": "Basic abc"}), 401)
    _error(api.get("/me", "not-a-token"), 401)


def test_revoked_token_is_401_and_other_tokens_still_work(api, member_a):
    first, second = api.token(member_a), api.token(member_a)
    response = api.delete("/auth/token", first)
    assert response.status_code == 204
    _error(api.get("/me", first), 401)
    _error(api.delete("/auth/token", first), 401)
    assert api.get("/me", second).status_code == 200


@pytest.mark.parametrize("change", ["password", "deactivate", "role"])
def test_password_change_deactivation_and_role_change_end_every_token(db, api, member_a, change):
    token = api.token(member_a)
    db.session.rollback()  # a fresh write transaction (SQLite: BEGIN IMMEDIATE)
    with intending_to_write():
        user = db.session.get(type(member_a), member_a.id)
        if change == "password":
            accounts.change_password(db.session, user, PASSWORD, "another-horse-9", "another-horse-9")
        elif change == "deactivate":
            accounts.set_active(db.session, user, False)
        else:
            accounts.set_role(db.session, user, "organizer")
        db.session.commit()
    _error(api.get("/me", token), 401)


def test_a_used_token_records_its_last_write_use(db, api, member_a, clock):
    token = api.token(member_a)
    api.get("/me", token)
    db.session.rollback()
    assert db.session.query(ApiToken).one().last_used_at is None  # GETs never write
    api.delete("/auth/token", token)
    db.session.rollback()
    assert db.session.query(ApiToken).one().last_used_at == clock.now


def test_http_errors_under_the_api_are_json(api, member_a):
    token = api.token(member_a)
    _error(api.get("/no-such-thing", token), 404, "not_found")
    _error(api.get("/attempts/999999", token), 404, "not_found")
    _error(api.call("PATCH", "/me", token), 405, "method_not_allowed")
    assert api.get("/me", token).headers["Cache-Control"] == "no-store"


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}

    def test_token_requests_are_rate_limited(self, api, member_a):
        for _ in range(3):
            _error(api.login(member_a, "wrong-password"), 401)
        response = api.login(member_a)
        _error(response, 429, "rate_limited")
        assert response.headers["Retry-After"]


@pytest.mark.parametrize("path,body", [
    ("/auth/token", {"username": "\x00", "password": "x"}),
    ("/auth/password", {"username": "member_a\x00", "password": "x", "new_password": "another-horse-9"}),
])
def test_a_nul_in_a_login_id_is_a_wrong_login_not_a_database_error(api, member_a, path, body):
    _error(api.post(path, json=body), 401, "unauthorized")


def test_a_nul_in_a_slug_is_404(api, member_a):
    _error(api.get("/modules/a%00b/chapters/1", api.token(member_a)), 404, "not_found")
