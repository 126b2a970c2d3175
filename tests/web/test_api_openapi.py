"""/api/v1/openapi.json: valid OpenAPI, and every API route with every method is described."""
from __future__ import annotations

import re

import pytest

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


def test_every_operation_is_named_tagged_summarized_and_declares_its_errors(client):
    """Generated clients need an operationId and a tag for named functions and modules, and every error
    status the API can answer with (routing 405 anywhere, 401 without a token) declared as Error."""
    doc = client.get("/api/v1/openapi.json").get_json()
    tag_names = {tag["name"] for tag in doc["tags"]}
    ids = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            where = (path, method)
            assert op.get("operationId"), where
            ids.append(op["operationId"])
            assert op.get("summary"), where
            assert len(op.get("tags", [])) == 1 and op["tags"][0] in tag_names, where
            assert "405" in op["responses"], where
            errors = [status for status in op["responses"] if status.startswith(("4", "5"))]
            assert errors, where
    assert len(ids) == len(set(ids))
    assert "429" in doc["paths"]["/auth/token"]["post"]["responses"]


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/api/v1/no-such-thing", 404), ("DELETE", "/api/v1/me", 405), ("GET", "/api/v1/me", 401),
    ("GET", "/api/v1/openapi.json", 200),
])
def test_every_api_response_is_no_store_even_routing_errors(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"
    if status >= 400:
        assert response.get_json()["error"]["message"]
