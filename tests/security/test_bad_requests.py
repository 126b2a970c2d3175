"""Bad requests get a 4xx and write nothing: oversized bodies (413), invalid UTF-8 in forms and JSON,
absurd ids, answers for questions outside the attempt, wrong JSON shapes — on the web JSON endpoints
and on /api/v1."""
from __future__ import annotations

import pytest

from studyapp.extensions import db as _db
from studyapp.models.exams import Answer, AttemptQuestion
from tests.conftest import FIXED_NOW, PASSWORD, AuthActions
from tests.security.test_access_matrix import snapshot, world  # noqa: F401

# (A full-width "１" is read as 1 by the router: an alias of the same object, still access-checked.)
ABSURD_IDS = ["0", "-1", "99999999999999999999", "4294967296", "abc", "1e3", "%00"]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW, "MAX_CONTENT_LENGTH": 64 * 1024}


@pytest.fixture
def exam(app, world):
    """Member A logged in on the web and by token, with a fresh attempt in progress."""
    side = world.sides["A"]
    web = app.test_client()
    assert AuthActions(web).login(side.member).status_code == 302
    token = app.test_client().post("/api/v1/auth/token", json={"username": side.member.username,
                                                               "password": PASSWORD}).get_json()["token"]
    started = web.post(f"/exams/sittings/{side.sitting.id}/start")
    assert started.status_code == 302, started.get_data(as_text=True)
    attempt_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    _db.session.rollback()
    return web, {"Authorization": f"Bearer {token}"}, attempt_id, side


def _web_save(web, attempt_id, question_id, **kwargs):
    return web.put(f"/exams/attempts/{attempt_id}/answers/{question_id}", **kwargs)


def _api_save(app, headers, attempt_id, question_id, **kwargs):
    return app.test_client().put(f"/api/v1/attempts/{attempt_id}/answers/{question_id}",
                                 headers={**headers, **kwargs.pop("headers", {})}, **kwargs)


def _answers() -> int:
    _db.session.rollback()
    return _db.session.query(Answer).count()


def test_a_good_save_is_stored_on_both_paths(app, exam):
    """The control: the requests below fail because of what is wrong with them, not for another reason."""
    web, headers, attempt_id, side = exam
    question_id = side.questions[0].id
    assert _web_save(web, attempt_id, question_id, json={"answer": "B", "seq": 1}).status_code == 200
    assert _api_save(app, headers, attempt_id, side.questions[1].id, json={"answer": ["A"], "seq": 1}).status_code == 200
    assert _answers() == 2


def test_oversized_bodies_are_413_and_write_nothing(app, exam):
    web, headers, attempt_id, side = exam
    before = snapshot()
    big = {"answer": "B" * (100 * 1024), "seq": 1}
    assert _web_save(web, attempt_id, side.questions[0].id, json=big).status_code == 413
    assert _api_save(app, headers, attempt_id, side.questions[0].id, json=big).status_code == 413
    assert web.post("/password", data={"current": "x" * (100 * 1024)}).status_code == 413
    assert snapshot() == before


@pytest.mark.parametrize("body", [b'{"answer": "\xff\xfe", "seq": 1}', b"\xc3\x28", b'{"answer": "B", "seq": 1}\xff'])
def test_invalid_utf8_json_is_4xx_and_writes_nothing(app, exam, body):
    web, headers, attempt_id, side = exam
    before = snapshot()
    kwargs = dict(data=body, content_type="application/json")
    for response in (_web_save(web, attempt_id, side.questions[0].id, **kwargs),
                     _api_save(app, headers, attempt_id, side.questions[0].id, **kwargs),
                     app.test_client().post("/api/v1/auth/token", **kwargs)):
        assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True))
    assert snapshot() == before


def test_invalid_utf8_in_form_fields_is_4xx_and_writes_nothing(app, world):
    organizer = app.test_client()
    assert AuthActions(organizer).login(world.sides["A"].organizer).status_code == 302
    before = snapshot()
    forms = [("/login", b"username=\xff\xfe&password=\xc3\x28"),
             ("/manage/modules/new", b"title=\xff\xfe%E5%AD%A6&summary=\xc3\x28"),
             ("/manage/sessions/new", b"title=\xff&place=\xfe&starts_at=2026-05-02T09:00&ends_at=2026-05-02T10:00"),
             ("/password", b"current=\xff&new=\xfe\xfe\xfe\xfe\xfe\xfe\xfe\xfe&confirm=\xfe\xfe\xfe\xfe\xfe\xfe\xfe\xfe")]
    for path, body in forms:
        response = organizer.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (path, response.status_code)
        assert response.status_code != 302 or "/login" in response.headers["Location"] or path == "/login", path
    assert snapshot() == before


def test_absurd_ids_are_404(app, exam):
    web, headers, attempt_id, side = exam
    organizer = app.test_client()
    assert AuthActions(organizer).login(side.organizer).status_code == 302
    before = snapshot()
    for bad in ABSURD_IDS:
        for client, path in ((web, f"/exams/attempts/{bad}"), (web, f"/exams/attempts/{bad}/result"),
                             (web, f"/contests/{bad}"), (organizer, f"/manage/exams/{bad}"),
                             (organizer, f"/manage/reports/sittings/{bad}"), (organizer, f"/manage/members/{bad}"),
                             (organizer, f"/manage/questions/{bad}")):
            assert client.get(path).status_code == 404, path
        assert _web_save(web, bad, side.questions[0].id, json={"answer": "B", "seq": 1}).status_code == 404
        assert _web_save(web, attempt_id, bad, json={"answer": "B", "seq": 1}).status_code == 404
        assert _api_save(app, headers, bad, side.questions[0].id, json={"answer": "B"}).status_code == 404
        assert app.test_client().get(f"/api/v1/attempts/{bad}", headers=headers).status_code == 404
        assert app.test_client().post(f"/api/v1/sittings/{bad}/attempts", headers=headers).status_code == 404
    assert snapshot() == before


def test_answers_for_questions_not_in_the_attempt_are_refused(app, world, exam):
    web, headers, attempt_id, side = exam
    in_paper = {row.question_id for row in _db.session.query(AttemptQuestion).filter_by(attempt_id=attempt_id)}
    assert in_paper == {q.id for q in side.questions}
    # Branch B's exam questions exist (and are in B's papers) but are not in A's paper.
    outside = [q.id for q in world.sides["B"].questions]
    before = snapshot()
    for question_id in outside:
        web_response = _web_save(web, attempt_id, question_id, json={"answer": "B", "seq": 1})
        api_response = _api_save(app, headers, attempt_id, question_id, json={"answer": "B", "seq": 1})
        assert web_response.status_code in (404, 422), web_response.status_code
        assert api_response.status_code in (404, 422), api_response.status_code
    assert snapshot() == before


@pytest.mark.parametrize("body", [[], "B", 3, None, {"seq": 1}, {"answer": "B", "seq": "one"},
                                  {"answer": "B", "seq": -5}, {"answer": {"x": [1, {"y": 2}]}, "seq": 1},
                                  {"answer": ["A"] * 1000, "seq": 1}, {"answer": 1e308, "seq": 1},
                                  {"answer": "B", "seq": 2 ** 70}])
def test_wrong_json_shapes_are_422_and_write_nothing(app, exam, body):
    web, headers, attempt_id, side = exam
    before = snapshot()
    question_id = side.questions[0].id  # single choice
    web_response = _web_save(web, attempt_id, question_id, json=body)
    api_response = _api_save(app, headers, attempt_id, question_id, json=body)
    assert web_response.status_code == 422, (web_response.status_code, web_response.get_data(as_text=True))
    assert api_response.status_code == 422, (api_response.status_code, api_response.get_data(as_text=True))
    assert snapshot() == before
