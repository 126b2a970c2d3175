"""API daily practice, spaced review and wrong-answer book: the daily pages' services and rules, in JSON.
GETs read only; the day's set is drawn once; answers are taken in order and once; keys only where allowed."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fixtures_api import conforms
from fixtures_contests import KEY, NOW
from studyapp.models.daily import DailySet
from studyapp.services import wrong_book


@pytest.fixture
def token(api, member_a, clock):
    return api.token(member_a)


def test_daily_status_reads_only_and_today_draws_once(db, api, token, contest_bank):
    status = api.get("/daily", token)
    conforms(status.get_json(), "DailyStatus")
    assert status.get_json()["total"] == 0 and db.session.query(DailySet).count() == 0  # GET drew nothing
    first = api.post("/daily/today", token)
    assert first.status_code == 200
    body = first.get_json()
    conforms(body, "DailyToday")
    assert body["position"] == 0 and body["status"]["total"] == 5 and "correct_answer" not in first.get_data(True)
    assert api.post("/daily/today", token).get_json() == body  # the same set, not a second draw
    assert db.session.query(DailySet).count() == 1


def test_daily_answers_in_order_once_then_done_with_points(api, token, contest_bank):
    api.post("/daily/today", token)
    assert api.post("/daily/answer", token, json={"position": 1, "answer": KEY}).status_code == 409
    for position in range(5):
        response = api.post("/daily/answer", token, json={"position": position, "answer": KEY})
        assert response.status_code == 200, response.get_json()
        conforms(response.get_json(), "DailyAnswered")
        feedback = response.get_json()["feedback"]
        assert feedback["correct"] is True and feedback["correct_answer"] == KEY
        assert feedback["module_slug"] == "contest-regs"
    again = api.post("/daily/answer", token, json={"position": 4, "answer": KEY})
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "今日练习已完成"
    status = api.get("/daily", token).get_json()
    assert status["done"] is True and status["streak"] == 1 and status["points_today"] > 0
    today = api.post("/daily/today", token).get_json()
    assert today["position"] is None and today["question"] is None


def test_daily_bad_answers(api, token, contest_bank):
    api.post("/daily/today", token)
    assert api.post("/daily/answer", token, json={"answer": KEY}).status_code == 422
    assert api.post("/daily/answer", token, json={"position": 0, "answer": ["B"]}).status_code == 422
    assert api.post("/daily/answer", token, json={"position": 0}).status_code == 422


def test_nothing_to_practise_is_404(api, token):
    response = api.post("/daily/today", token)
    assert response.status_code == 404 and response.get_json()["error"]["message"]


def _miss(db, member, questions):
    wrong_book.record_results(db.session, member.id, [(q.id, q.current_version_id, False, "A") for q in questions],
                              NOW - timedelta(hours=1), source="practice")
    db.session.commit()


def test_review_shows_a_due_card_then_reschedules_it(db, api, token, member_a, contest_bank):
    _module, questions = contest_bank
    _miss(db, member_a, questions[:2])
    due = api.get("/review", token)
    conforms(due.get_json(), "ReviewNext")
    assert due.get_json()["due_today"] == 2 and "correct_answer" not in due.get_data(True)
    question_id = due.get_json()["question"]["id"]
    answered = api.post(f"/review/{question_id}/answer", token, json={"answer": KEY})
    assert answered.status_code == 200, answered.get_json()
    conforms(answered.get_json(), "ReviewAnswered")
    assert answered.get_json()["feedback"]["correct"] is True
    assert answered.get_json()["next_due"] > NOW.isoformat()
    # Answered once: the card is no longer due, so a repeat is refused (review is no key oracle either).
    assert api.post(f"/review/{question_id}/answer", token, json={"answer": KEY}).status_code == 404
    assert api.post(f"/review/{questions[5].id}/answer", token, json={"answer": KEY}).status_code == 404


def test_wrong_book_pages_and_resolve(db, api, token, member_a, member_b, contest_bank):
    _module, questions = contest_bank
    _miss(db, member_a, questions[:3])
    page = api.get("/wrong-book?per_page=2", token)
    conforms(page.get_json(), "WrongBookPage")
    body = page.get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (3, 2, 2)
    assert body["items"][0]["last_answer"] == "A" and body["items"][0]["correct_answer"] == KEY
    assert len(api.get("/wrong-book?page=2&per_page=2", token).get_json()["items"]) == 1
    assert api.get("/wrong-book?per_page=0", token).status_code == 422
    target = body["items"][0]["id"]
    resolved = api.post(f"/wrong-book/{target}/resolve", token)
    assert resolved.status_code == 200
    conforms(resolved.get_json(), "Resolved")
    assert api.post(f"/wrong-book/{target}/resolve", token).get_json() == resolved.get_json()  # once
    assert api.get("/wrong-book", token).get_json()["total"] == 2
    assert api.get("/wrong-book?all=1", token).get_json()["total"] == 3
    # Another member's book is not reachable.
    other = api.token(member_b)
    assert api.post(f"/wrong-book/{questions[1].id}/resolve", other).status_code == 404
    assert api.get("/wrong-book", other).get_json()["total"] == 0


def test_wrong_book_filters_by_module_and_chapter_as_the_page_does(db, api, token, member_a, contest_bank):
    module, questions = contest_bank
    _miss(db, member_a, questions[:3])  # chapters 1, 2, 1
    chapter_1 = api.get(f"/wrong-book?module={module.slug}&chapter=1", token)
    assert chapter_1.status_code == 200
    conforms(chapter_1.get_json(), "WrongBookPage")
    assert {item["id"] for item in chapter_1.get_json()["items"]} == {questions[0].id, questions[2].id}
    assert [item["id"] for item in api.get("/wrong-book?chapter=2", token).get_json()["items"]] == [questions[1].id]
    assert api.get(f"/wrong-book?module={module.slug}", token).get_json()["total"] == 3
    assert api.get("/wrong-book?module=no-such-module", token).status_code == 404
    assert api.get("/wrong-book?module=x%00y", token).status_code == 404
    assert api.get("/wrong-book?chapter=-1", token).status_code == 422
