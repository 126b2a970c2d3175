"""API exam flow: sittings, start/resume, autosave, late save, submit once, review by policy, my attempts."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from fixtures_api import conforms
from fixtures_exams import KEY_MARK
from studyapp.models import WrongAnswer


def _text(response) -> str:
    """The body as a person would read it (JSON escapes undone), to search for leaked keys."""
    return json.dumps(response.get_json(), ensure_ascii=False)


def _no_key(response) -> None:
    text = _text(response)
    assert KEY_MARK not in text and "correct_answer" not in text and "explanation" not in text
    assert '"三"' not in text  # the fill-in key


@pytest.fixture
def token(api, member_a, clock):
    return api.token(member_a)  # with the clock at FIXED_NOW, when the fixtures' sittings are open


@pytest.fixture
def started(api, token, exam_setup):
    exam, sitting, questions = exam_setup
    response = api.post(f"/sittings/{sitting.id}/attempts", token)
    assert response.status_code == 201, response.get_json()
    return response.get_json(), questions, sitting


def test_open_sittings(api, token, exam_setup):
    _exam, sitting, _questions = exam_setup
    body = api.get("/sittings", token).get_json()
    conforms(body, schema={"type": "array", "items": {"$ref": "#/components/schemas/Sitting"}})
    assert body == [{"id": sitting.id, "title": "第一场", "exam_title": "条例测试", "is_makeup": False,
                     "pass_percent": 60, "in_progress_attempt_id": None, "opens_at": "2026-05-01T07:00:00+00:00",
                     "closes_at": "2026-05-02T08:00:00+00:00", "time_limit_minutes": 30, "attempts_left": 1}]


def test_a_sitting_names_my_attempt_in_progress_so_the_app_can_resume_it(api, token, started):
    paper, _questions, sitting = started
    offer = api.get("/sittings", token).get_json()[0]
    assert offer["id"] == sitting.id and offer["in_progress_attempt_id"] == paper["id"]


def test_multiple_choice_answers_come_back_sorted(api, token, started):
    paper, questions, sitting = started
    multiple = questions["multiple"].id
    api.put(f"/attempts/{paper['id']}/answers/{multiple}", token, json={"answer": ["C", "A"]})
    assert api.post(f"/sittings/{sitting.id}/attempts", token).get_json()["answers"][str(multiple)] == ["A", "C"]
    api.post(f"/attempts/{paper['id']}/submit", token)
    review = api.get(f"/attempts/{paper['id']}", token).get_json()["questions"]
    item = next(q for q in review if q["type"] == "multiple")
    assert item["answer"] == ["A", "C"] and item["correct_answer"] == sorted(item["correct_answer"])


def test_attempt_status_is_overdue_in_the_list_and_the_detail_alike(api, token, started, clock):
    paper, _questions, _sitting = started
    clock.set(datetime.fromisoformat(paper["deadline"]) + timedelta(seconds=1))
    listed = api.get("/me/attempts", token).get_json()
    conforms(listed, schema={"type": "array", "items": {"$ref": "#/components/schemas/AttemptSummary"}})
    detail = api.get(f"/attempts/{paper['id']}", token).get_json()
    assert listed[0]["status"] == detail["status"] == "overdue"


def test_start_gives_the_paper_without_any_key_and_resume_gives_the_same(api, token, exam_setup, clock):
    _exam, sitting, questions = exam_setup
    response = api.post(f"/sittings/{sitting.id}/attempts", token)
    assert response.status_code == 201
    paper = response.get_json()
    conforms(paper, "Paper")
    _no_key(response)
    assert paper["deadline"] == (clock.now + timedelta(minutes=30)).isoformat()
    by_type = {q["type"]: q for q in paper["questions"]}
    assert set(by_type) == {"single", "multiple", "true_false", "fill_blank"}
    assert by_type["fill_blank"]["blanks"] == 1 and "blanks" not in by_type["single"]
    assert [o["key"] for o in by_type["single"]["options"]] == ["A", "B", "C", "D"]
    assert by_type["single"]["points"] == 10 and paper["answers"] == {}
    again = api.post(f"/sittings/{sitting.id}/attempts", token)
    assert again.status_code == 200 and again.get_json()["id"] == paper["id"]


def test_saved_answers_come_back_on_resume_and_stale_saves_are_not_stored(api, token, started):
    paper, questions, sitting = started
    single, fill = questions["single"].id, questions["fill_blank"].id
    response = api.put(f"/attempts/{paper['id']}/answers/{single}", token, json={"answer": "C", "seq": 5})
    assert response.status_code == 200
    conforms(response.get_json(), "AnswerSaved")
    assert response.get_json() == {"question_id": single, "stored": True, "seq": 5}
    stale = api.put(f"/attempts/{paper['id']}/answers/{single}", token, json={"answer": "A", "seq": 3}).get_json()
    assert stale == {"question_id": single, "stored": False, "seq": 5}
    # Without seq the request wins over what is stored.
    assert api.put(f"/attempts/{paper['id']}/answers/{single}", token, json={"answer": "B"}).get_json()["seq"] == 6
    api.put(f"/attempts/{paper['id']}/answers/{fill}", token, json={"answer": ["三"], "seq": 1})
    resumed = api.post(f"/sittings/{sitting.id}/attempts", token).get_json()
    assert resumed["answers"] == {str(single): "B", str(fill): ["三"]}


@pytest.mark.parametrize("qtype,answer", [
    ("single", ["A"]), ("single", "Z"), ("multiple", "A"), ("true_false", "true"), ("fill_blank", ["a", "b"]),
    ("fill_blank", "三"),
])
def test_answers_of_the_wrong_shape_are_422(api, token, started, qtype, answer):
    paper, questions, _sitting = started
    response = api.put(f"/attempts/{paper['id']}/answers/{questions[qtype].id}", token, json={"answer": answer})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid"


def test_bad_bodies_and_unknown_questions(api, token, started, make_question, exam_bank):
    paper, questions, _sitting = started
    url = f"/attempts/{paper['id']}/answers/{questions['single'].id}"
    assert api.put(url, token, json={"seq": 1}).status_code == 422
    assert api.put(url, token, json={"answer": "A", "seq": -1}).status_code == 422
    assert api.put(url, token, json={"answer": "A", "seq": "1"}).status_code == 422
    assert api.put(url, token, data="nope", content_type="application/json").status_code == 400
    other = make_question(exam_bank[0])
    assert api.put(f"/attempts/{paper['id']}/answers/{other.id}", token, json={"answer": "A"}).status_code == 404


def test_another_members_attempt_is_404(api, started, make_user, branch_a):
    paper, questions, _sitting = started
    neighbour = api.token(make_user(branch_a))
    assert api.get(f"/attempts/{paper['id']}", neighbour).status_code == 404
    put = api.put(f"/attempts/{paper['id']}/answers/{questions['single'].id}", neighbour, json={"answer": "A"})
    assert put.status_code == 404 and put.get_json()["error"]["code"] == "not_found"
    assert api.post(f"/attempts/{paper['id']}/submit", neighbour).status_code == 404


def test_sitting_outside_my_audience_is_404(api, exam_setup, member_b):
    _exam, sitting, _questions = exam_setup
    token = api.token(member_b)
    assert api.get("/sittings", token).get_json() == []
    assert api.post(f"/sittings/{sitting.id}/attempts", token).status_code == 404


def test_submit_grades_once_and_repeats_the_same_body_then_saves_are_409(api, token, started):
    paper, questions, _sitting = started
    api.put(f"/attempts/{paper['id']}/answers/{questions['single'].id}", token, json={"answer": "B", "seq": 1})
    api.put(f"/attempts/{paper['id']}/answers/{questions['true_false'].id}", token, json={"answer": True, "seq": 1})
    first = api.post(f"/attempts/{paper['id']}/submit", token)
    assert first.status_code == 200
    conforms(first.get_json(), "SubmitResult")
    assert first.get_json() == {"score": 20.0, "max_score": 40.0, "passed": False,
                                "submitted_at": "2026-05-01T08:00:00+00:00"}
    second = api.post(f"/attempts/{paper['id']}/submit", token)
    assert second.status_code == 200 and second.get_data() == first.get_data()
    late = api.put(f"/attempts/{paper['id']}/answers/{questions['multiple'].id}", token, json={"answer": ["A", "C"]})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "conflict"



def test_exam_misses_reach_the_wrong_answer_book(db, api, token, started, member_a):
    paper, questions, _sitting = started
    api.put(f"/attempts/{paper['id']}/answers/{questions['single'].id}", token, json={"answer": "D"})
    api.put(f"/attempts/{paper['id']}/answers/{questions['true_false'].id}", token, json={"answer": True})
    api.post(f"/attempts/{paper['id']}/submit", token)
    book = {row.question_id: row for row in db.session.query(WrongAnswer).filter_by(user_id=member_a.id)}
    missed = {questions[t].id for t in ("single", "multiple", "fill_blank")}
    assert set(book) == missed  # the unanswered ones too; the right one is not in the book
    assert book[questions["single"].id].last_response == "D" and book[questions["single"].id].last_source == "exam"


def test_save_after_the_deadline_is_409_and_the_attempt_is_finalized_with_saved_answers(api, token, started, clock):
    paper, questions, _sitting = started
    api.put(f"/attempts/{paper['id']}/answers/{questions['single'].id}", token, json={"answer": "B", "seq": 1})
    clock.set(datetime.fromisoformat(paper["deadline"]) + timedelta(seconds=1))
    late = api.put(f"/attempts/{paper['id']}/answers/{questions['true_false'].id}", token, json={"answer": True})
    assert late.status_code == 409 and "考试已结束" in late.get_json()["error"]["message"]
    detail = api.get(f"/attempts/{paper['id']}", token).get_json()
    assert detail["status"] == "submitted" and detail["score"] == 10.0


def test_attempt_detail_shows_review_only_after_submission(api, token, started):
    paper, questions, _sitting = started
    before = api.get(f"/attempts/{paper['id']}", token)
    conforms(before.get_json(), "AttemptDetail")
    _no_key(before)
    assert before.get_json()["status"] == "in_progress" and before.get_json()["questions"] is None
    api.put(f"/attempts/{paper['id']}/answers/{questions['single'].id}", token, json={"answer": "A"})
    api.post(f"/attempts/{paper['id']}/submit", token)
    after = api.get(f"/attempts/{paper['id']}", token)
    body = after.get_json()
    conforms(body, "AttemptDetail")
    assert body["status"] == "submitted" and body["review_visible"] is True and body["counts"] is True
    single = next(q for q in body["questions"] if q["type"] == "single")
    assert single["answer"] == "A" and single["correct_answer"] == "B" and single["correct"] is False
    # The app links each reviewed question to its article in the study module.
    module_slug = api.get("/modules", token).get_json()[0]["slug"]
    assert single["module_slug"] == module_slug
    assert api.get(f"/modules/{module_slug}/chapters/{single['chapter_number']}", token).status_code == 200
    assert KEY_MARK in single["explanation_html"]


def test_review_policy_never_keeps_keys_out_of_the_api(api, token, exam_bank, make_exam, make_sitting, branch_a):
    module, questions = exam_bank
    exam = make_exam(module, branch_a, fixed=[(q, 10) for q in questions.values()], review_policy="never")
    sitting = make_sitting(exam, units=[branch_a])
    attempt_id = api.post(f"/sittings/{sitting.id}/attempts", token).get_json()["id"]
    submitted = api.post(f"/attempts/{attempt_id}/submit", token)
    assert submitted.get_json()["score"] == 0.0
    detail = api.get(f"/attempts/{attempt_id}", token)
    _no_key(detail)
    assert detail.get_json()["questions"] is None and detail.get_json()["review_visible"] is False
    _no_key(api.get("/me/attempts", token))


def test_my_attempts_newest_first(api, token, exam_bank, make_exam, make_sitting, branch_a, clock):
    module, questions = exam_bank
    exam = make_exam(module, branch_a, fixed=[(q, 10) for q in questions.values()], attempts_allowed=2,
                     counting="highest")
    sitting = make_sitting(exam, units=[branch_a])
    first = api.post(f"/sittings/{sitting.id}/attempts", token).get_json()["id"]
    api.put(f"/attempts/{first}/answers/{questions['single'].id}", token, json={"answer": "B"})
    api.post(f"/attempts/{first}/submit", token)
    clock.set(clock.now + timedelta(minutes=40))
    second = api.post(f"/sittings/{sitting.id}/attempts", token).get_json()["id"]
    body = api.get("/me/attempts", token).get_json()
    conforms(body, schema={"type": "array", "items": {"$ref": "#/components/schemas/AttemptSummary"}})
    assert [a["id"] for a in body] == [second, first]
    assert body[0]["status"] == "in_progress" and body[0]["score"] is None and body[0]["number"] == 2
    assert body[1]["score"] == 10.0 and body[1]["counts"] is True and body[1]["submitted_at"].endswith("+00:00")
    assert api.get("/sittings", token).get_json()[0]["attempts_left"] == 0
