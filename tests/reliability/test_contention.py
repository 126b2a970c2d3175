"""Writes under contention: many writers at once never see a 500; a write that still cannot get the lock
is a 503 with Retry-After and nothing half-written; rate-limit storage (Redis) is never on the answer path."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import func, select

from studyapp.models.exams import Answer, Attempt
from tests.conftest import PG_URL, AuthActions


def _member_client(app, user, sitting):
    client = app.test_client()
    assert AuthActions(client).login(user).status_code == 302
    location = client.post(f"/exams/sittings/{sitting.id}/start").headers["Location"]
    assert location.startswith("/exams/attempts/"), location
    return client, location


def test_twenty_members_saving_at_once_all_succeed(app, db, clock, exam_setup, make_user, branch_a):
    _, sitting, questions = exam_setup
    members = [make_user(branch_a) for _ in range(20)]
    sessions = [_member_client(app, user, sitting) for user in members]
    barrier = threading.Barrier(len(sessions))
    statuses = []
    ids = {qtype: question.id for qtype, question in questions.items()}

    def work(client, path):
        barrier.wait()
        for seq, (qtype, question_id) in enumerate(ids.items(), start=1):
            answer = {"single": "B", "multiple": ["A", "C"], "true_false": True, "fill_blank": ["三"]}[qtype]
            response = client.put(f"{path}/answers/{question_id}", json={"answer": answer, "seq": seq})
            statuses.append(response.status_code)
        statuses.append(client.post(f"{path}/submit", headers={"Accept": "application/json"}).status_code)

    threads = [threading.Thread(target=work, args=pair) for pair in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses.count(200) == len(statuses) == 20 * 5
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 80
    assert set(db.session.scalars(select(Attempt.score))) == {40}


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's database-wide write lock; PostgreSQL locks rows")
def test_locked_database_is_503_with_retry_after_and_the_retry_saves(app, db, clock, exam_setup, member_a):
    _, sitting, questions = exam_setup
    client, path = _member_client(app, member_a, sitting)
    url = f"{path}/answers/{questions['single'].id}"
    db.session.rollback()
    blocker = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock far longer than the busy timeout
    try:
        response = _put_with_timeout(app, client, url, {"answer": "B", "seq": 1})
        assert response.status_code == 503
        assert response.headers["Retry-After"].isdigit()
        assert response.get_json()["error"]["code"] == "busy"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    retry = client.put(url, json={"answer": "B", "seq": 1})
    assert retry.status_code == 200 and retry.get_json() == {"stored": True, "seq": 1}


def _put_with_timeout(app, client, url, body):
    """PUT with every pooled connection's busy timeout lowered, so the test waits 0.2 s, not 15 s."""
    from sqlalchemy import event

    def short(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    engine = app.extensions["sqlalchemy"].engine
    event.listen(engine, "connect", short)
    engine.dispose()
    try:
        return client.put(url, json=body, headers={"Accept": "application/json"})
    finally:
        event.remove(engine, "connect", short)
        engine.dispose()


@pytest.mark.parametrize("storage", ["redis://127.0.0.1:6379", "redis://127.0.0.1:1"])
def test_exams_and_login_work_whatever_the_rate_limit_storage(app_config, storage, db, clock, exam_setup, member_a):
    from studyapp import create_app
    from tests.conftest import IsolatedClient

    _, sitting, questions = exam_setup
    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage,
                      "CLOCK": lambda: clock.now})
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert AuthActions(client).login(member_a).status_code == 302  # the login limit's storage may be down
    path = client.post(f"/exams/sittings/{sitting.id}/start").headers["Location"]
    assert path.startswith("/exams/attempts/")
    saved = client.put(f"{path}/answers/{questions['single'].id}", json={"answer": "B", "seq": 1})
    assert saved.status_code == 200
    submitted = client.post(f"{path}/submit", headers={"Accept": "application/json"})
    assert submitted.status_code == 200 and submitted.get_json()["score"] == 10
    token = client.post("/api/v1/auth/token", json={"username": member_a.username, "password": "correct-horse-7"})
    assert token.status_code == 200
    with app.app_context():
        db.engine.dispose()
