"""GET /api/v1/home: the website's home page in one call, and reading it changes nothing."""
from __future__ import annotations

from datetime import timedelta

from fixtures_api import conforms
from fixtures_contests import NOW
from studyapp.services import wrong_book


def test_empty_home(api, member_a, clock):
    body = api.get("/home", api.token(member_a)).get_json()
    conforms(body, "Home")
    assert body["sittings"] == [] and body["contests"] == [] and body["scores"] == []
    assert body["reviews_due"] == 0 and body["daily"]["streak"] == 0 and body["daily"]["done"] is False


def test_home_shows_exams_contests_reviews_and_progress(db, api, member_a, make_contest, contest_bank, exam_setup,
                                                        clock):
    module, questions = contest_bank
    contest = make_contest()
    _exam, sitting, _ = exam_setup
    wrong_book.record_results(db.session, member_a.id, [(q.id, q.current_version_id, False) for q in questions[:2]],
                              NOW - timedelta(hours=1), source="exam")
    db.session.commit()
    token = api.token(member_a)
    body = api.get("/home", token).get_json()
    conforms(body, "Home")
    assert [s["id"] for s in body["sittings"]] == [sitting.id]
    assert body["contests"] == [{"id": contest.id, "title": contest.title,
                                 "closes_at": contest.closes_at.isoformat()}]
    assert body["reviews_due"] == 2
    assert module.slug in {m["slug"] for m in body["modules"]}
    # The same numbers as the site's home page (one service) and nothing is drawn or written by reading.
    assert api.get("/home", token).get_json() == body
