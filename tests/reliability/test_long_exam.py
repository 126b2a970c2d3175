"""A two-hour exam with autosave every minute, with CSRF on and the wall clock really moving: the session
and the CSRF token outlive it. If the session does expire, the member logs in again and loses nothing.

Two clocks move together: the app's CLOCK (exam timing) and the wall clock itsdangerous reads to date
session cookies and CSRF tokens (patched), so lifetimes are checked as a real browser would meet them.
"""
from __future__ import annotations

import re
from datetime import timedelta

import itsdangerous.timed
import pytest
from sqlalchemy import select

from studyapp.config import Defaults
from studyapp.models.exams import Answer, Attempt
from tests.conftest import FIXED_NOW, PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


class WallClock:
    def __init__(self, monkeypatch):
        import time as real_time

        self.offset = 0.0
        self._time = real_time.time
        monkeypatch.setattr(itsdangerous.timed, "time", self)

    def time(self):
        return self._time() + self.offset


@pytest.fixture
def moments(app, monkeypatch):
    """advance(minutes) moves the exam clock and the wall clock together."""
    wall = WallClock(monkeypatch)
    state = {"now": FIXED_NOW}
    app.config["CLOCK"] = lambda: state["now"]

    def advance(minutes):
        state["now"] += timedelta(minutes=minutes)
        wall.offset += minutes * 60

    return advance


def _token(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _login(client, user):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": token.group(1) or token.group(2)})
    assert response.status_code == 302


def _start(client, sitting):
    index = client.get("/exams/").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', index).group(1)
    location = client.post(f"/exams/sittings/{sitting.id}/start", data={"csrf_token": form_token}).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    return location, _token(page)


def _save(client, path, qid, answer, seq, token):
    return client.put(f"{path}/answers/{qid}", json={"answer": answer, "seq": seq},
                      headers={"X-CSRFToken": token, "Accept": "application/json"})


def test_lifetimes_cover_the_longest_exam_with_grace():
    longest = timedelta(hours=2)
    assert Defaults.PERMANENT_SESSION_LIFETIME >= longest + timedelta(hours=1)
    assert Defaults.WTF_CSRF_TIME_LIMIT is None or Defaults.WTF_CSRF_TIME_LIMIT >= (longest + timedelta(hours=1)).total_seconds()


def test_two_hour_exam_autosaving_every_minute_submits(client, db, moments, make_exam, make_sitting, exam_bank,
                                                       branch_a, member_a):
    module, questions = exam_bank
    exam = make_exam(module, branch_a, fixed=[(q, 10) for q in questions.values()], time_limit_minutes=120)
    sitting = make_sitting(exam, units=[branch_a])
    _login(client, member_a)
    path, token = _start(client, sitting)
    answers = ["A", "B", "C", "D"]
    for minute in range(1, 120):
        moments(1)
        response = _save(client, path, questions["single"].id, answers[minute % 4], minute, token)
        assert response.status_code == 200, (minute, response.get_data(as_text=True))
    response = client.post(f"{path}/submit", headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.rollback()
    attempt = db.session.scalar(select(Attempt))
    assert attempt.status == "submitted" and attempt.finalized_by == "member"
    assert db.session.scalar(select(Answer.response)) == answers[119 % 4]
    assert attempt.score == (10 if answers[119 % 4] == "B" else 0)


def test_expired_session_logs_in_again_and_keeps_every_answer(app, client, db, moments, exam_setup, member_a):
    _, sitting, questions = exam_setup
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=10)  # shorter than the exam, on purpose
    _login(client, member_a)
    path, token = _start(client, sitting)
    assert _save(client, path, questions["single"].id, "B", 1, token).status_code == 200
    moments(11)  # no request for 11 minutes: the session cookie is now too old
    expired = _save(client, path, questions["multiple"].id, ["A", "C"], 2, token)
    assert expired.status_code == 401  # the page tells the member to log in again, and keeps retrying
    assert "重新登录" in expired.get_json()["error"]["message"]
    _login(client, member_a)
    stale = _save(client, path, questions["multiple"].id, ["A", "C"], 2, token)  # the old page's token
    assert stale.status_code == 400 and "刷新" in stale.get_json()["error"]["message"]
    page = client.get(path)
    assert page.status_code == 200
    token = _token(page.get_data(as_text=True))
    assert _save(client, path, questions["multiple"].id, ["A", "C"], 2, token).status_code == 200
    response = client.post(f"{path}/submit", headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.get_json()["score"] == 20  # both answers, before and after the new login
