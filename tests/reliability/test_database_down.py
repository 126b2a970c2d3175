"""While the database cannot be reached, no route answers 500: every route of app.url_map, every method,
as each kind of user, with and without a CSRF token, gets a 503 with Retry-After (or an answer that never
needed the database). In-process on SQLite and PostgreSQL alike: each statement is refused by the driver
as a restarting server refuses it. test_outages.py does the same against real gunicorn and a real cut,
for the exam's own requests; this one covers the seams, e.g. a CSRF refusal whose page asks who is
signed in, or a 404 page that draws the user's name."""
from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from studyapp.extensions import db as _db
from tests.conftest import FIXED_NOW
from tests.security.test_access_matrix import _clients, build_url, world  # noqa: F401

ACTORS = ("anonymous", "member_A", "organizer_A", "admin")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def app_config(app_config):
    # As served: an exception an error handler lets through becomes a 500 page instead of reaching the test.
    return {**app_config, "CLOCK": lambda: FIXED_NOW, "PROPAGATE_EXCEPTIONS": False}


@contextmanager
def database_down(engine):
    """Every statement fails in the driver with a refused connection, until the block ends."""
    error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(*_args):
        raise error("connection refused (simulated: the database is restarting)")

    events = ("do_execute", "do_execute_no_params", "do_executemany")
    for name in events:
        event.listen(engine, name, refuse)
    try:
        yield
    finally:
        for name in events:
            event.remove(engine, name, refuse)


def _send(client, method, url, rule, token, csrf=None):
    headers = {"Authorization": f"Bearer {token}"} if token and rule.endpoint.startswith("api.") else {}
    if csrf:
        headers["X-CSRFToken"] = csrf
    if method == "GET":
        return client.get(url, headers=headers)
    if rule.endpoint.startswith("api.") or method != "POST":
        headers["Accept"] = "application/json"
        return client.open(url, method=method, data=json.dumps({"answer": "A", "seq": 1}), headers=headers,
                           content_type="application/json")
    return client.open(url, method=method, data={"title": "x"}, headers=headers)


def _csrf_token(client) -> str:
    page = client.get("/exams/").get_data(as_text=True)
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_no_route_answers_500_while_the_database_is_unreachable(app, world):
    clients, tokens = _clients(app, world)
    app.config["WTF_CSRF_ENABLED"] = True  # as served: a write without a token meets the CSRF refusal first
    csrf = {actor: _csrf_token(clients[actor]) for actor in ACTORS[1:]}
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint not in ("static", "bootstrap.static")),
                   key=lambda r: r.rule)
    urls = [build_url(app, world, rule, "A") for rule in rules]
    _db.session.rollback()
    failures, unavailable, sent = [], 0, 0
    with database_down(_db.engine):
        for rule, url in zip(rules, urls):
            for method in sorted(rule.methods & {"GET", *WRITES}):
                for actor in ACTORS:
                    for token in ((None, csrf.get(actor)) if method in WRITES else (None,)):
                        response = _send(clients[actor], method, url, rule, tokens[actor], token)
                        sent += 1
                        where = f"{method} {url} as {actor}{' with token' if token else ''}"
                        if response.status_code >= 500 and not (
                                response.status_code == 503 and response.headers.get("Retry-After")):
                            failures.append(f"{where}: {response.status_code}")
                        unavailable += response.status_code == 503
    assert not failures, "\n".join(failures[:20])
    # The control: the outage was met, by most of what was sent (pages that never ask the database, such as
    # the login form or a signed-out redirect, are the rest).
    assert sent > 400 and unavailable > sent // 2, (sent, unavailable)


def test_an_autosave_refused_by_csrf_during_an_outage_is_a_503_the_page_retries(app, world, client, auth):
    """The case found by test_outages in CI: a save without its token while the database was down got
    a bare 500 because the CSRF page asked the database who was signed in."""
    attempt = world.obj("A", "attempt")
    auth.login(world.sides["A"].member)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/exams/attempts/{attempt.id}/answers/{attempt.questions[0].question_id}"
    _db.session.rollback()
    with database_down(_db.engine):
        response = client.put(url, json={"answer": "A", "seq": 1}, headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.get_json()["error"]["code"] == "unavailable"
    # Once the database is back the same refusal is the usual one: the page must be reloaded.
    again = client.put(url, json={"answer": "A", "seq": 1}, headers={"Accept": "application/json"})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "csrf"


def test_a_404_drawn_during_an_outage_is_a_503(app, world, client, auth):
    auth.login(world.sides["A"].member)
    _db.session.rollback()
    with database_down(_db.engine):
        response = client.get("/no-such-page")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "请稍后重试" in response.get_data(as_text=True)
