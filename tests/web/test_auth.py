"""Logging in and out, forced password change, rate limits, CSRF."""
import pytest

from studyapp.domain import passwords
from tests.conftest import PASSWORD


def test_login_page_in_chinese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录名" in page and "密码" in page


def test_login_and_logout(client, auth, member_a):
    response = auth.login(member_a)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "甲党员" in home
    auth.logout()
    assert client.get("/").headers["Location"].startswith("/login")


def test_wrong_password_is_refused_without_saying_which_part(client, auth, member_a):
    response = auth.login(member_a, "wrong-password")
    assert response.status_code == 200
    assert "登录名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_message(client, auth, member_a):
    assert "登录名或密码不正确" in auth.login("nobody").get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, auth, member_a, db):
    member_a.active = False
    db.session.commit()
    assert "登录名或密码不正确" in auth.login(member_a).get_data(as_text=True)


def test_next_redirect_stays_on_site(client, member_a):
    ok = client.post("/login?next=/password", data={"username": "member_a", "password": PASSWORD})
    assert ok.headers["Location"] == "/password"
    client.post("/logout")
    evil = client.post("/login?next=//evil.example/x", data={"username": "member_a", "password": PASSWORD})
    assert evil.headers["Location"] == "/"


def test_forced_change_at_first_login(client, auth, make_user, branch_a, db):
    code = passwords.new_one_time_code()
    user = make_user(branch_a, username="new1", password_hash=passwords.hash_one_time_code(code),
                     must_change_password=True)
    response = auth.login("new1", code)
    assert response.headers["Location"] == "/password"
    assert client.get("/").headers["Location"] == "/password"  # nothing else until it is changed
    page = client.get("/password").get_data(as_text=True)
    assert "设置新密码" in page and "当前密码" not in page  # the code just typed is not asked again
    response = client.post("/password", data={"new": "my-own-pass-9", "confirm": "my-own-pass-9"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.must_change_password
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/").status_code == 200


def test_password_change_logs_out_other_devices(app, auth, member_a):
    other = app.test_client()
    other.post("/login", data={"username": "member_a", "password": PASSWORD})
    assert other.get("/").status_code == 200
    auth.login(member_a)
    auth.client.post("/password", data={"current": PASSWORD, "new": "another-pass-5", "confirm": "another-pass-5"})
    assert auth.client.get("/").status_code == 200  # this device stays in
    assert other.get("/").status_code == 302  # the other one is out


def test_weak_new_password_refused(client, auth, member_a):
    auth.login(member_a)
    page = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert "至少需要8个字符" in page.get_data(as_text=True)


@pytest.mark.parametrize("new,reason", [
    ("12345678", "太常见"), ("Password1", "太常见"), ("woaini1314", "太常见"), ("qwertyuiop", "太常见"),
    ("Member_A-2026", "不能包含登录名"), ("x13800001111", "不能包含手机号"), ("阿卜杜热合曼·买买提", "不能与姓名相同"),
])
def test_common_and_personal_passwords_are_refused_with_the_reason(client, auth, member_a, db, new, reason):
    member_a.phone = "138-0000-1111"
    member_a.name = "阿卜杜热合曼·买买提"
    db.session.commit()
    auth.login(member_a)
    page = client.post("/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert page.status_code == 200 and reason in page.get_data(as_text=True)
    assert client.post("/password", data={"current": PASSWORD, "new": "紫竹院-晨读-7", "confirm": "紫竹院-晨读-7"}
                       ).status_code == 302


def test_a_member_not_forced_to_change_must_give_the_current_password(client, auth, member_a):
    auth.login(member_a)
    page = client.post("/password", data={"new": "another-pass-5", "confirm": "another-pass-5"})
    assert page.status_code == 200 and "请输入当前密码" in page.get_data(as_text=True)


def test_legacy_werkzeug_hash_is_upgraded_at_login(client, make_user, branch_a, db):
    from werkzeug.security import generate_password_hash

    user = make_user(branch_a, username="legacy", password_hash=generate_password_hash("legacy-pass-1"))
    client.post("/login", data={"username": "legacy", "password": "legacy-pass-1"})
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")


def test_security_headers(client, auth, member_a):
    auth.login(member_a)
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_are_chinese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}

    def test_login_is_rate_limited(self, client, member_a):
        statuses = [client.post("/login", data={"username": "member_a", "password": "x"}).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        # Even the right password waits out the limit: guessing cannot continue.
        response = client.post("/login", data={"username": "member_a", "password": PASSWORD})
        assert response.status_code == 429 and "Retry-After" in response.headers


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_post_without_csrf_token_is_refused(self, client, member_a):
        response = client.post("/login", data={"username": "member_a", "password": PASSWORD})
        # Anonymous: "session expired, log in again" (401); either way the post is refused.
        assert response.status_code == 401 and "重新登录" in response.get_data(as_text=True)
        assert client.get("/").status_code == 302  # not logged in

    def test_post_with_csrf_token_works(self, client, member_a):
        import re

        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"username": "member_a", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"] == "/"
