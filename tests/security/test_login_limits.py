"""Login limits: guessing one account is slowed to a crawl while everyone else (even from the same
address, as behind a proxy) logs in; the web login and the token endpoint share one count; a proxy
declared in TRUSTED_PROXIES gives each member their own address; the count is shared by workers."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert

from studyapp import create_app
from studyapp.domain import passwords
from studyapp.models import User
from tests.conftest import PASSWORD, IsolatedClient

PROXY = {"REMOTE_ADDR": "10.9.9.9"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "100 per minute",
            "LOGIN_ACCOUNT_FREE_ATTEMPTS": 5, "LOGIN_BACKOFF_SECONDS": 30, "LOGIN_BACKOFF_MAX_SECONDS": 900}


def _web(client, username, password, environ=PROXY):
    return client.post("/login", data={"username": username, "password": password}, environ_base=environ)


def _api(client, username, password, environ=PROXY):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password}, environ_base=environ)


def test_an_attacked_account_backs_off_while_a_colleague_at_the_same_address_logs_in(app, member_a, member_b):
    attacker, colleague = app.test_client(), app.test_client()
    statuses = [_web(attacker, "member_a", f"guess-{n}").status_code for n in range(30)]
    # Five free attempts, then one per backoff period: the 6th gets through (and fails), the rest wait.
    assert statuses[:6] == [200] * 6 and set(statuses[6:]) == {429}
    # The colleague behind the same address is not affected at all.
    assert _web(colleague, "member_b", PASSWORD).status_code == 302
    # The attacked member waits too, even with the right password: otherwise guessing would go on.
    refused = _web(app.test_client(), "member_a", PASSWORD)
    assert refused.status_code == 429 and "请" in refused.get_data(as_text=True)
    assert 1 <= int(refused.headers["Retry-After"]) <= 31


def test_the_wait_doubles_with_each_attempt_after_the_free_ones(app, member_a):
    client = app.test_client()
    counters = app.extensions["login_guard"]
    waits = []
    for n in range(20):
        response = _web(client, "member_a", f"guess-{n}")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            # Let the period pass (as time would) so the next attempt gets through and doubles the wait.
            counters.run(lambda s: s.clear(f"{_account_key(app, 'member_a')}:slot"))
    assert waits[:6] == pytest.approx([30, 60, 120, 240, 480, 900], abs=2)


def _account_key(app, username):
    from studyapp.web import login_guard

    with app.test_request_context():
        return login_guard._account_key(username)


def test_web_and_api_share_one_count_and_login_ids_differ_only_by_case(app, member_a):
    client = app.test_client()
    for n in range(3):
        assert _web(client, "member_a", f"guess-{n}").status_code == 200
    for n in range(2):
        assert _api(client, "MEMBER_A", f"guess-{n}").status_code == 401
    assert _web(client, "Member_A", "guess-5").status_code == 200  # the 6th: first backoff period
    response = _api(client, "member_a", PASSWORD)
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "rate_limited"
    assert response.headers["Retry-After"]


def test_a_successful_login_starts_the_count_afresh(app, member_a):
    client = app.test_client()
    for n in range(4):
        assert _web(client, "member_a", f"typo-{n}").status_code == 200
    assert _web(client, "member_a", PASSWORD).status_code == 302
    for n in range(5):
        assert _web(app.test_client(), "member_a", f"typo-{n}").status_code == 200


def test_unknown_login_ids_are_counted_like_real_ones(app, member_a):
    statuses = [_web(app.test_client(), "nobody-here", f"guess-{n}").status_code for n in range(8)]
    assert statuses[:6] == [200] * 6 and set(statuses[6:]) == {429}


class TestAddressLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "LOGIN_RATE_LIMIT": "20 per minute"}

    def test_failures_from_one_address_are_limited_across_accounts(self, app, member_a):
        client = app.test_client()
        # Password spraying: one guess for each of many login ids.
        statuses = [_web(client, f"user{n}", "12345678").status_code for n in range(25)]
        assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
        assert _api(client, "member_a", PASSWORD).status_code == 429  # the token endpoint too
        # Another address is not affected.
        assert _web(client, "member_a", PASSWORD, {"REMOTE_ADDR": "10.1.1.1"}).status_code == 302

    def test_successful_logins_do_not_count(self, app, member_a):
        for _ in range(30):
            assert _web(app.test_client(), "member_a", PASSWORD).status_code == 302


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "LOGIN_RATE_LIMIT": "5 per minute", "TRUSTED_PROXIES": 1}

    def test_each_member_has_their_own_address(self, app, member_a):
        client = app.test_client()
        for n in range(5):
            assert _web(client, f"user{n}", "x", {**PROXY, "HTTP_X_FORWARDED_FOR": "192.168.1.10"}).status_code == 200
        assert _web(client, "user9", "x", {**PROXY, "HTTP_X_FORWARDED_FOR": "192.168.1.10"}).status_code == 429
        ok = _web(client, "member_a", PASSWORD, {**PROXY, "HTTP_X_FORWARDED_FOR": "192.168.1.11"})
        assert ok.status_code == 302

    def test_only_the_trusted_hop_is_believed(self, app, member_a):
        # A client cannot pick a fresh address per request: with one trusted hop, only the address
        # the proxy appended (the last one) counts, whatever the client put before it.
        client = app.test_client()
        statuses = [_web(client, f"user{n}", "x", {**PROXY, "HTTP_X_FORWARDED_FOR": f"1.2.3.{n}, 192.168.1.20"})
                    .status_code for n in range(7)]
        assert statuses == [200] * 5 + [429] * 2


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(app, member_a):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    statuses = [_web(client, f"user{n}", "x", {**PROXY, "HTTP_X_FORWARDED_FOR": f"1.2.3.{n}"}).status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_thousand_members_behind_one_proxy_address_log_in(app, db, branch_a):
    """The login wave at the start of a sitting, all from the proxy's address, 5 % of them mistyping
    first: every member gets in, nobody sees 429. One-time codes (a SHA-256 each) stand in for chosen
    passwords so that the test measures the limits, not 1,000 argon2 hashes."""
    code = "ABCDEFGHJKMN"
    db.session.execute(insert(User), [
        {"username": f"m{n:04d}", "name": f"党员{n}", "unit_id": branch_a.id, "role": "member",
         "password_hash": passwords.hash_one_time_code(code), "must_change_password": True}
        for n in range(1000)])
    db.session.commit()
    statuses = []
    for n in range(1000):
        client = app.test_client()
        if n % 20 == 0:
            assert _web(client, f"m{n:04d}", "TYPO").status_code == 200
        statuses.append(_web(client, f"m{n:04d}", code).status_code)
    assert statuses.count(302) == 1000


def test_workers_share_the_count_through_redis(app_config, member_a):
    """Two app instances (two workers) with one Redis: guesses spread over both still back off."""
    username = f"shared-{uuid.uuid4().hex[:8]}"
    config = {**app_config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    workers = [create_app(config), create_app(config)]
    for worker in workers:
        worker.test_client_class = IsolatedClient
    address = {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"}
    try:
        statuses = [_web(workers[n % 2].test_client(), username, "x", address).status_code for n in range(8)]
        assert statuses[:6] == [200] * 6 and set(statuses[6:]) == {429}
    finally:
        import redis

        connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in connection.scan_iter("*studyapp:login*"):
            if address["REMOTE_ADDR"] in key.decode() or _account_key(workers[0], username) in key.decode():
                connection.delete(key)
        for worker in workers:
            with worker.app_context():
                from studyapp.extensions import db

                db.engine.dispose()
