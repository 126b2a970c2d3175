"""Reading time cannot be inflated: a report credits at most the server time since the member opened
the chapter (or since the last credit), each stretch of time once, and reports are rate-limited."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.models import StudyProgress
from tests.conftest import AuthActions
from tests.web.test_study_pages import time_url


@pytest.fixture
def loaded(content_dir, load):
    return load(content_dir)


def _spent(db) -> int:
    db.session.rollback()  # see the requests' commits
    return db.session.scalar(select(StudyProgress.seconds_spent))


def test_a_hundred_reports_at_once_add_no_more_than_the_time_that_passed(app, member_a, loaded, db, clock):
    """The reported attack: 100 parallel reports of 120 s recorded 12,000 s in about a second."""
    clients = [app.test_client() for _ in range(10)]
    for client in clients:
        assert AuthActions(client).login(member_a).status_code == 302
    url = time_url(clients[0], "/study/test-mod/1")
    clock.set(clock.now + timedelta(seconds=60))
    statuses, lock = [], threading.Lock()

    def report(client):
        for _ in range(10):
            response = client.post(url, json={"seconds": 120})
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=report, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses.count(200) == 100
    assert _spent(db) == 60


def test_a_replayed_report_adds_nothing_and_later_time_still_counts(client, auth, member_a, loaded, db, clock):
    auth.login(member_a)
    url = time_url(client, "/study/test-mod/1")
    clock.set(clock.now + timedelta(seconds=30))
    assert client.post(url, json={"seconds": 30}).get_json() == {"seconds_spent": 30}
    assert client.post(url, json={"seconds": 30}).get_json() == {"seconds_spent": 30}  # the same stretch again
    clock.set(clock.now + timedelta(seconds=30))
    assert client.post(url, json={"seconds": 30}).get_json() == {"seconds_spent": 60}
    # Right after opening the page nothing can have been read yet.
    fresh = time_url(client, "/study/test-mod/1")
    assert client.post(fresh, json={"seconds": 120}).get_json() == {"seconds_spent": 60}


def test_a_report_needs_the_stamp_of_this_members_page(app, client, auth, member_a, member_b, loaded, db, clock):
    auth.login(member_a)
    url = time_url(client, "/study/test-mod/1")
    clock.set(clock.now + timedelta(seconds=60))
    bare = url.split("?")[0]
    forged = bare + "?t=eyJ1IjoxfQ.forged"
    for target in (bare, forged):
        response = client.post(target, json={"seconds": 30})
        assert response.status_code == 422 and "刷新页面" in response.get_json()["error"]["message"]
    other = app.test_client()
    AuthActions(other).login(member_b)
    assert other.post(url, json={"seconds": 30}).status_code in (404, 422)  # not member B's page
    assert _spent(db) in (None, 0)


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True}

    def test_reports_are_rate_limited_per_member(self, client, auth, member_a, loaded, clock):
        auth.login(member_a)
        url = time_url(client, "/study/test-mod/1")
        statuses = []
        for _ in range(12):
            clock.set(clock.now + timedelta(seconds=1))
            statuses.append(client.post(url, json={"seconds": 1}).status_code)
        assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]
        # Refused in Chinese like every other message, never Flask-Limiter's "10 per 1 minute".
        refused = client.post(url, json={"seconds": 1}, headers={"Accept": "application/json"})
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert refused.get_json()["error"] == {"code": "rate_limited", "message": "操作过于频繁，请稍后再试"}
