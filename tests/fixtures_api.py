"""API test helpers: log in for a token, call with it, and check bodies against the OpenAPI schemas."""
from __future__ import annotations

import pytest
from openapi_schema_validator import OAS30Validator, validate

from studyapp.extensions import db as _db
from studyapp.web.api.openapi import document

PREFIX = "/api/v1"


def conforms(body, schema_name: str | None = None, schema: dict | None = None) -> None:
    """Raise if `body` does not match the named component schema (or the given schema) of openapi.json."""
    doc = document()
    target = schema if schema is not None else {"$ref": f"#/components/schemas/{schema_name}"}
    validate(body, {**target, "components": doc["components"]}, cls=OAS30Validator)


class ApiClient:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_name, password=None):
        from conftest import PASSWORD

        username = getattr(user_or_name, "username", user_or_name)
        return self.call("POST", "/auth/token", json={"username": username, "password": password or PASSWORD})

    def token(self, user) -> str:
        response = self.login(user)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["token"]

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(f"{PREFIX}{path}", method=method, headers=headers, **kwargs)
        # End the test's own read snapshot: later reads see this request's writes, and later writes
        # by factories do not fail on a stale SQLite snapshot.
        _db.session.rollback()
        return response

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path, token=None, **kwargs):
        return self.call("POST", path, token, **kwargs)

    def put(self, path, token=None, **kwargs):
        return self.call("PUT", path, token, **kwargs)

    def delete(self, path, token=None, **kwargs):
        return self.call("DELETE", path, token, **kwargs)


@pytest.fixture
def api(client):
    return ApiClient(client)
