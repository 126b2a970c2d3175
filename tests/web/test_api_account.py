"""API account: a member on a one-time code chooses a password in the app, the website's password rules
apply, older tokens end; a token is refreshed before it expires."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fixtures_api import conforms
from studyapp.domain import passwords

NEW = "another-horse-9"


@pytest.fixture
def imported(make_user, branch_a):
    """A member from a roster import: a one-time code, no password of their own yet."""
    code = passwords.new_one_time_code()
    user = make_user(branch_a, username="new1", password_hash=passwords.hash_one_time_code(code),
                     must_change_password=True)
    return user, code


def test_a_member_with_a_one_time_code_starts_in_the_app(api, imported):
    user, code = imported
    assert api.login(user, code).status_code == 403  # no token on the code itself
    response = api.post("/auth/password", json={"username": "new1", "password": code, "new_password": NEW})
    assert response.status_code == 200, response.get_json()
    conforms(response.get_json(), "Token")
    assert api.get("/me", response.get_json()["token"]).get_json()["username"] == "new1"
    assert api.login(user, code).status_code == 401  # the code was used up
    assert api.login(user, NEW).status_code == 200


@pytest.mark.parametrize("new,says", [("new1-horse-9", "登录名"), ("abc", "8个字符"), ("password123", "")])
def test_the_websites_password_rules_apply(api, imported, new, says):
    user, code = imported
    response = api.post("/auth/password", json={"username": "new1", "password": code, "new_password": new})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid"
    assert says in response.get_json()["error"]["message"]
    assert api.login(user, code).status_code == 403  # nothing changed


def test_changing_the_password_ends_every_older_token(api, member_a):
    from tests.conftest import PASSWORD

    old = api.token(member_a)
    response = api.post("/auth/password", json={"username": member_a.username, "password": PASSWORD,
                                                "new_password": NEW})
    assert response.status_code == 200
    assert api.get("/me", old).status_code == 401
    assert api.get("/me", response.get_json()["token"]).status_code == 200


def test_wrong_credentials_and_bad_bodies(api, member_a):
    wrong = api.post("/auth/password", json={"username": member_a.username, "password": "nope", "new_password": NEW})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "unauthorized"
    assert api.post("/auth/password", json={"username": member_a.username}).status_code == 422
    assert api.post("/auth/password", data="{", content_type="application/json").status_code == 400


def test_refresh_gives_a_full_lifetime_and_ends_the_old_token(app, api, member_a, clock):
    token = api.token(member_a)
    hours = app.config["API_TOKEN_HOURS"]
    clock.set(clock.now + timedelta(hours=hours - 1))
    response = api.post("/auth/token/refresh", token)
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, "Token")
    assert datetime.fromisoformat(body["expires_at"]) == clock.now + timedelta(hours=hours)
    assert api.get("/me", token).status_code == 401
    clock.set(clock.now + timedelta(hours=hours - 1))  # past the first token's lifetime, within the new one
    assert api.get("/me", body["token"]).status_code == 200
    assert api.post("/auth/token/refresh", token).status_code == 401


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}

    def test_password_guesses_count_like_login_guesses(self, api, member_a):
        for _ in range(3):
            api.post("/auth/password", json={"username": member_a.username, "password": "x", "new_password": NEW})
        response = api.post("/auth/password", json={"username": member_a.username, "password": "y",
                                                    "new_password": NEW})
        assert response.status_code == 429 and response.headers["Retry-After"]
        assert "请" in response.get_json()["error"]["message"] or "稍后" in response.get_json()["error"]["message"]
