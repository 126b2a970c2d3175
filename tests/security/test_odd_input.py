"""Odd input is a 4xx with a Chinese message, never a 500: JSON nested thousands of levels deep (also on
the unauthenticated token endpoint), and integers beyond what a column can hold in every integer path
and query parameter of every route, found from app.url_map and from the views' own source."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from studyapp.extensions import db as _db
from tests.security import access_table as table
from tests.security.test_access_matrix import _clients, build_url, snapshot, world  # noqa: F401

HUGE = str(2**64)  # beyond 64 bits signed
DEEP = "[" * 5000 + "]" * 5000
WEB = Path(__file__).resolve().parents[2] / "studyapp" / "web"
ACTORS = ("member_A", "organizer_A", "admin")


def int_query_names() -> set[str]:
    """Every query or form parameter a view reads as an integer, from the web layer's source."""
    names = set()
    for path in WEB.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'\.get\(\s*"(\w+)"[^)\n]*type=int', source))
        names |= set(re.findall(r'_int\(\s*"(\w+)"\s*\)', source))
    return names


def test_the_parameter_scan_finds_the_known_ones():
    """The control: the scan below is only as good as this list."""
    assert {"chapter", "article", "module_id", "page", "unit", "module", "count"} <= int_query_names()


def _gets(app):
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint not in ("static", "bootstrap.static")]


def _headers(rule, tokens, actor):
    return {"Authorization": f"Bearer {tokens[actor]}"} if rule.endpoint.startswith("api.") else {}


def _kinds(app, rule) -> list[dict]:
    """Extra query values that lead a view down each of its branches (e.g. practice's kind=...)."""
    source = inspect.getsource(app.view_functions[rule.endpoint])
    if '"kind"' in source:
        return [{"kind": kind} for kind in ("chapter", "article", "random", "book")]
    return [{}]


def _chinese_4xx(response, where):
    assert response.status_code in (400, 404, 422), (where, response.status_code)
    body = response.get_data(as_text=True)
    assert re.search(r"[\u4e00-\u9fff]", body), (where, body[:200])


def test_huge_integers_in_every_query_parameter_of_every_route(app, world):
    clients, tokens = _clients(app, world)
    names = int_query_names()
    tried = 0
    for rule in _gets(app):
        url = build_url(app, world, rule, "A").split("?")[0]
        for extra in _kinds(app, rule):
            query = {**{name: HUGE for name in names}, **extra}
            for actor in ACTORS:
                response = clients[actor].get(url, query_string=query, headers=_headers(rule, tokens, actor))
                tried += 1
                assert response.status_code < 500, (rule.endpoint, actor, response.status_code)
                if response.status_code == 400:
                    assert "超出范围" in response.get_data(as_text=True), rule.endpoint
    assert tried > 100


def test_huge_integers_in_every_path_parameter_of_every_route(app, world):
    clients, tokens = _clients(app, world)
    before = snapshot()
    tried = 0
    for rule in app.url_map.iter_rules():
        ints = [name for name in rule.arguments if isinstance(rule._converters.get(name), IntegerConverter)]
        if not ints:
            continue
        url = build_url(app, world, rule, "A").split("?")[0]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            _, good = app.url_map.bind("localhost").match(url, method=method)
            for name in ints:
                bad = _replace(app, rule, good, name)
                for actor in ACTORS:
                    response = clients[actor].open(bad, method=method, headers=_headers(rule, tokens, actor),
                                                   json={} if method in ("PUT", "POST") else None)
                    tried += 1
                    assert response.status_code in (400, 404, 405, 422), (rule.endpoint, method, name, actor,
                                                                           response.status_code)
    assert tried > 50
    assert snapshot() == before


def _replace(app, rule, good, name):
    marker = 2**31 - 7  # a valid value for the converter, unlikely to appear elsewhere in the URL
    with app.test_request_context():
        url = url_for(rule.endpoint, **{**good, name: marker})
    return url.replace(str(marker), HUGE)


@pytest.mark.parametrize("path,query", [
    ("/practice/start", {"kind": "chapter", "module": "x", "chapter": HUGE}),
    ("/practice/start", {"kind": "article", "module": "x", "article": HUGE}),
    ("/practice/start", {"kind": "book", "module_id": HUGE}),
    ("/practice/start", {"kind": "book", "chapter": HUGE}),
    ("/wrong-book/", {"chapter": HUGE}),
    ("/wrong-book/", {"module_id": HUGE}),
    ("/study/search", {"q": "党", "page": HUGE}),
])
def test_the_reported_member_pages(app, world, path, query):
    clients, _ = _clients(app, world)
    _chinese_4xx(clients["member_A"].get(path, query_string=query), (path, query))


@pytest.mark.parametrize("path,query", [
    ("/admin/members", {"unit": HUGE}),
    ("/manage/questions", {"chapter": HUGE}),
    ("/manage/questions", {"article": HUGE}),
    ("/manage/questions", {"module": HUGE}),
])
def test_the_reported_organizer_pages(app, world, path, query):
    clients, _ = _clients(app, world)
    _chinese_4xx(clients["admin"].get(path, query_string=query), (path, query))


def test_score_lists(app, world):
    clients, _ = _clients(app, world)
    sitting = world.obj("A", "sitting")
    for query in ({"page": HUGE}, {"unit": HUGE}):
        _chinese_4xx(clients["admin"].get(f"/manage/reports/sittings/{sitting.id}/scores", query_string=query),
                     query)


# ---- deep JSON ------------------------------------------------------------------------------------


def _json_routes(app):
    """Routes whose view reads a JSON body."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if view is None or not rule.methods & {"POST", "PUT", "PATCH"}:
            continue
        source = inspect.getsource(inspect.unwrap(view))
        if "get_json" in source or "json_body" in source:
            found.append(rule)
    return found


def test_deeply_nested_json_is_refused_everywhere(app, world):
    clients, tokens = _clients(app, world)
    rules = _json_routes(app)
    assert {"api.create_token", "api.save", "exams.save", "study.record_time"} <= {r.endpoint for r in rules}
    before = snapshot()
    for rule in rules:
        url = build_url(app, world, rule, "A")
        method = next(m for m in ("PUT", "POST", "PATCH") if m in rule.methods)
        for actor in ("anonymous", *ACTORS):
            headers = _headers(rule, tokens, actor) if actor != "anonymous" else {}
            client = clients[actor]
            response = client.open(url, method=method, data=DEEP, content_type="application/json", headers=headers)
            assert response.status_code < 500, (rule.endpoint, actor, response.status_code)
    assert snapshot() == before


def test_deep_json_on_the_token_endpoint_is_a_chinese_400(app):
    response = app.test_client().post("/api/v1/auth/token", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "请求体不是合法的 JSON"
    _db.session.rollback()
