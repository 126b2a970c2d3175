"""Schemathesis against /api/v1/openapi.json in-process, with a valid bearer token: no 500, and every
response matches the documented schema. Bounded: a few examples per operation."""
from __future__ import annotations

import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import PASSWORD


@pytest.fixture
def api_app(app, db, clock, exam_setup, member_a, organizer_a, branch_a, make_activity):
    from studyapp.services.ledger import signin

    # A ledger activity with published minutes and a sign-in window: the ledger responses have every field.
    activity = make_activity(organizer_a, branch_a, minutes_public=True, minutes_md="纪要", decisions="同意",
                             attendance={member_a.id: ("leave", "出差")})
    signin.open_signin(db.session, organizer_a, activity, None, None)
    db.session.commit()
    response = app.test_client().post("/api/v1/auth/token", json={"username": member_a.username, "password": PASSWORD})
    return app, response.get_json()["token"]


def test_api_conforms_to_its_openapi_document(api_app):
    app, token = api_app
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, calls = [], []
    for operation in schema.get_all_operations():
        operation = operation.ok()
        strategy = operation.as_strategy()

        @given(case=strategy)
        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            # Logging out and refreshing end the token they are given: each gets its own.
            if (operation.method.upper() == "DELETE" and operation.path.endswith("/auth/token")
                    or operation.path.endswith("/auth/token/refresh")):
                fresh = app.test_client().post("/api/v1/auth/token", json={"username": "member_a", "password": PASSWORD})
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {fresh.get_json()['token']}"}
            elif not operation.path.endswith(("/auth/token", "/auth/password")):
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            calls.append(operation.label)
            # A fresh context per request, as a server has: nothing (write intent, g) leaks into the test.
            response = contextvars.Context().run(case.call)
            assert response.status_code < 500, (operation.label, response.status_code, response.text[:300])
            case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])

        try:
            run()
        except AssertionError as exc:
            failures.append(f"{operation.label}: {exc}"[:600])
        except Exception as exc:  # schemathesis reports non-conformance as its own failure types
            failures.append(f"{operation.label}: {type(exc).__name__}: {exc}"[:600])
    assert not failures, "\n".join(failures)
    assert len(set(calls)) >= 8, sorted(set(calls))  # every documented operation was exercised
