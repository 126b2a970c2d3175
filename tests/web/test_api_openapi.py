"""/api/v1/openapi.json: valid OpenAPI, and every API route with every method is described."""
from __future__ import annotations

import re

from openapi_spec_validator import validate


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_openapi_document_is_valid_and_complete(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.content_type == "application/json"
    doc = response.get_json()
    validate(doc)
    described = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert _routes(app) == described
    contract = {("/auth/token", "post"), ("/me", "get"), ("/modules", "get"),
                ("/modules/{slug}/chapters/{number}", "get"), ("/sittings", "get"),
                ("/sittings/{sitting_id}/attempts", "post"), ("/attempts/{attempt_id}/answers/{question_id}", "put"),
                ("/attempts/{attempt_id}/submit", "post"), ("/attempts/{attempt_id}", "get"), ("/me/attempts", "get")}
    assert contract <= described


def test_every_secured_operation_documents_401_and_errors_use_the_error_schema(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            public = op.get("security") == []
            assert public or "401" in op["responses"], (path, method)
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)
