"""Access-control matrix generated from app.url_map: every route x actor x object of branch A and B,
checked against the decision table in access_table.py. A route missing from the table fails the test.
Also: every state-changing route refuses a request without a valid CSRF token (API routes: without a
valid bearer token), and no GET changes the database."""
from __future__ import annotations

import hashlib

import pytest
from flask import url_for
from sqlalchemy import text

from studyapp.extensions import db as _db
from studyapp.web.sealed import seal
from tests.conftest import FIXED_NOW, PASSWORD, AuthActions
from tests.security import access_table as table
from tests.security.world import build_world

CHANGING = {"POST", "PUT", "DELETE", "PATCH"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


@pytest.fixture
def world(db, org, branch_a, branch_b, member_a, member_b, organizer_a, organizer_b, admin, make_web_module,
          make_question, make_exam, make_sitting, make_study_session, make_module, make_practice_question):
    return build_world(db, org=org, branch_a=branch_a, branch_b=branch_b, member_a=member_a, member_b=member_b,
                       organizer_a=organizer_a, organizer_b=organizer_b, admin=admin,
                       make_web_module=make_web_module, make_question=make_question, make_exam=make_exam,
                       make_sitting=make_sitting, make_study_session=make_study_session, make_module=make_module,
                       make_practice_question=make_practice_question)


def _rules(app):
    return [r for r in app.url_map.iter_rules()]


def _user(world, actor):
    if actor == "admin":
        return world.admin
    role, branch = actor.split("_")
    side = world.sides[branch]
    return side.member if role == "member" else side.organizer


def build_url(app, world, rule, branch: str | None) -> str:
    """The rule's URL with each parameter naming the `branch` object of the right kind."""
    values = {}
    for name in rule.arguments:
        if (rule.endpoint, name) in table.FIXED_VALUES:
            values[name] = table.FIXED_VALUES[(rule.endpoint, name)]
            continue
        if name == "slug":
            values[name] = world.obj(branch, "module").slug
        elif name == "number":
            values[name] = world.obj(branch, "chapter").number
        elif name == "question_id" and rule.endpoint in ("exams.save", "api.save"):
            values[name] = world.obj(branch, "attempt").questions[0].question_id
        else:
            values[name] = world.obj(branch, table.PARAM_KINDS[name]).id
    for key, value in table.QUERIES.get(rule.endpoint, {}).items():
        if value == ("token",):
            values[key] = practice_token(app, world.sides[branch].member, [world.sides[branch].practice_answer.question_id])
        elif isinstance(value, tuple):
            values[key] = world.obj(branch, value[0]).id
        else:
            values[key] = value
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def practice_token(app, user, question_ids) -> str:
    """A practice set as the practice pages seal it, for `user`."""
    with app.test_request_context():
        return seal({"u": user.id, "t": "练习", "q": question_ids, "i": 0, "ok": 0, "n": 0})


def _clients(app, world):
    clients = {"anonymous": app.test_client()}
    tokens = {"anonymous": None}
    for actor in table.ACTORS[1:]:
        client = app.test_client()
        user = _user(world, actor)
        assert AuthActions(client).login(user).status_code == 302
        clients[actor] = client
        response = app.test_client().post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
        tokens[actor] = response.get_json()["token"]
    _db.session.rollback()
    return clients, tokens


def _outcome(response):
    if response.status_code in (301, 302, 303, 307, 308):
        return "login" if "/login" in response.headers.get("Location", "") else "ok"
    if 200 <= response.status_code < 300:
        return "ok"
    return response.status_code


def _branches(rule):
    needs_object = rule.arguments - {"filename", "fmt"} or any(
        isinstance(v, tuple) for v in table.QUERIES.get(rule.endpoint, {}).values())
    return ("A", "B") if needs_object else (None,)


def test_every_route_is_in_the_decision_table(app):
    missing = sorted({r.endpoint for r in _rules(app)} - set(table.RULES))
    assert not missing, f"routes without a rule in access_table.RULES: {missing}"
    stale = sorted(set(table.RULES) - {r.endpoint for r in _rules(app)})
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_get_matrix(app, world):
    clients, tokens = _clients(app, world)
    mismatches = []
    for rule in sorted(_rules(app), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        kind = table.RULES[rule.endpoint]
        for branch in _branches(rule):
            url = build_url(app, world, rule, branch)
            for actor in table.ACTORS:
                headers = {"Authorization": f"Bearer {tokens[actor]}"} if kind.startswith("api-") and tokens[actor] else {}
                client = app.test_client() if kind.startswith("api-") else clients[actor]
                response = client.get(url, headers=headers)
                response.close()
                got, want = _outcome(response), table.expected(kind, actor, branch)
                if got != want:
                    mismatches.append(f"{rule.endpoint} {url} {actor}: got {got} want {want} ({kind})")
    assert not mismatches, "\n".join(mismatches)


def snapshot() -> str:
    """A digest of every row of every table (the world is small): any insert, update or delete changes it."""
    _db.session.rollback()
    digest = hashlib.sha256()
    with _db.engine.connect() as conn:
        for table_ in _db.metadata.sorted_tables:
            order = ", ".join(f'"{c.name}"' for c in table_.primary_key.columns) or "1"
            rows = conn.execute(text(f'SELECT * FROM "{table_.name}" ORDER BY {order}')).all()
            digest.update(f"{table_.name}:{len(rows)}:{rows!r}".encode())
    return digest.hexdigest()


def test_no_get_changes_the_database(app, world):
    clients, tokens = _clients(app, world)
    changed, wrote = [], set()

    def sweep(rule):
        kind = table.RULES[rule.endpoint]
        for branch in _branches(rule):
            url = build_url(app, world, rule, branch)
            for actor in table.ACTORS:
                if kind.startswith("api-"):
                    headers = {"Authorization": f"Bearer {tokens[actor]}"} if tokens[actor] else {}
                    app.test_client().get(url, headers=headers).close()
                else:
                    clients[actor].get(url).close()

    for rule in sorted(_rules(app), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        before = snapshot()
        sweep(rule)
        if snapshot() == before:
            continue
        if rule.endpoint not in table.GET_WRITES_ONCE:
            changed.append(rule.endpoint)
            continue
        wrote.add(rule.endpoint)
        again = snapshot()
        sweep(rule)
        if snapshot() != again:
            changed.append(f"{rule.endpoint} (again)")
    assert not changed, f"GET requests that changed the database: {changed}"
    assert wrote == set(table.GET_WRITES_ONCE), "a write-once GET no longer writes: drop it from the table"


def _changing_rules(app, api: bool):
    return [r for r in sorted(_rules(app), key=lambda r: r.rule)
            if r.methods & CHANGING and r.endpoint.startswith("api.") == api]


def test_every_state_changing_page_refuses_a_request_without_a_csrf_token(app, world):
    clients, _ = _clients(app, world)
    app.config["WTF_CSRF_ENABLED"] = True
    before = snapshot()
    accepted = []
    for rule in _changing_rules(app, api=False):
        method = sorted(rule.methods & CHANGING)[0]
        for branch in _branches(rule):
            url = build_url(app, world, rule, branch)
            # The most privileged actors, so a refusal can only come from the missing token.
            for actor in ("admin", f"organizer_{branch or 'A'}", f"member_{branch or 'A'}"):
                for headers in ({}, {"X-CSRFToken": "forged"}):
                    response = clients[actor].open(url, method=method, data={"csrf_token": "forged"} if headers
                                                   else {}, headers=headers)
                    if response.status_code != 400 or "页面已过期" not in response.get_data(as_text=True):
                        accepted.append(f"{method} {url} {actor} {headers}: {response.status_code}")
    assert not accepted, "\n".join(accepted)
    assert snapshot() == before
    assert len(_changing_rules(app, api=False)) > 30  # the sweep really covered the forms


def test_every_state_changing_api_route_needs_a_valid_bearer_token(app, world):
    clients, tokens = _clients(app, world)
    before = snapshot()
    accepted = []
    for rule in _changing_rules(app, api=True):
        if rule.endpoint in ("api.create_token", "api.change_password"):
            continue  # the login itself, and the password change that proves the credentials itself
        method = sorted(rule.methods & CHANGING)[0]
        for branch in _branches(rule):
            url = build_url(app, world, rule, branch)
            owner = f"member_{branch or 'A'}"
            attempts = [
                (app.test_client(), {}),                                          # nothing
                (app.test_client(), {"Authorization": "Bearer not-a-token"}),     # forged
                (app.test_client(), {"Authorization": tokens[owner]}),            # no scheme
                (clients[owner], {}),                                             # a web session cookie
            ]
            for client, headers in attempts:
                response = client.open(url, method=method, json={"response": "A", "client_seq": 1}, headers=headers)
                if response.status_code != 401:
                    accepted.append(f"{method} {url} {headers or 'cookie/none'}: {response.status_code}")
    assert not accepted, "\n".join(accepted)
    assert snapshot() == before
