"""API contests: list, detail, start once, the server's clock per question, answers judged on receipt,
settled keys in the round, the leaderboard with my row and branch standings; GETs write nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fixtures_api import conforms
from fixtures_contests import KEY
from studyapp.models.contests import ContestBranchCache


@pytest.fixture
def token(api, member_a, clock):
    return api.token(member_a)


def _array(name):
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}


def test_member_plays_a_round_through_the_api(db, api, token, make_contest, clock):
    contest = make_contest()
    listed = api.get("/contests", token).get_json()
    conforms(listed, schema=_array("Contest"))
    assert [c["id"] for c in listed] == [contest.id]
    started = api.post(f"/contests/{contest.id}/rounds", token)
    assert started.status_code == 201
    conforms(started.get_json(), "Round")
    round_id = started.get_json()["id"]
    assert api.post(f"/contests/{contest.id}/rounds", token).status_code == 200  # resumed, not a second round
    for position in (1, 2, 3):
        current = api.post(f"/rounds/{round_id}/current", token).get_json()
        conforms(current, "RoundCurrent")
        assert current["question"]["position"] == position and "correct_answer" not in str(current)
        # Before it is answered, the question's key is not in the round.
        assert position not in [s["position"] for s in api.get(f"/rounds/{round_id}", token).get_json()["settled"]]
        clock.set(clock.now + timedelta(seconds=3))
        answered = api.post(f"/rounds/{round_id}/answers", token, json={"position": position, "answer": KEY})
        assert answered.status_code == 200
        conforms(answered.get_json(), "RoundAnswered")
        assert answered.get_json()["accepted"] is True and answered.get_json()["correct"] is True
        again = api.post(f"/rounds/{round_id}/answers", token, json={"position": position, "answer": KEY})
        assert again.status_code == 409
    detail = api.get(f"/rounds/{round_id}", token).get_json()
    conforms(detail, "RoundDetail")
    assert detail["status"] == "finished" and detail["score"] == 3
    assert [s["correct_answer"] for s in detail["settled"]] == [KEY] * 3
    finished = api.post(f"/rounds/{round_id}/current", token).get_json()
    assert finished["question"] is None
    contest_detail = api.get(f"/contests/{contest.id}", token).get_json()
    conforms(contest_detail, "ContestDetail")
    assert contest_detail["rounds_left"] == 2 and contest_detail["active_round_id"] is None
    board = api.get(f"/contests/{contest.id}/board", token).get_json()
    conforms(board, "Board")
    assert board["mine"]["rank"] == 1 and board["mine"]["mine"] is True and board["top"][0]["score"] == 3
    assert any(b["mine"] for b in board["branches"])
    db.session.rollback()
    assert db.session.query(ContestBranchCache).count() == 0  # the board GET computed without storing


def test_a_late_answer_scores_nothing(api, token, make_contest, clock):
    contest = make_contest()
    round_id = api.post(f"/contests/{contest.id}/rounds", token).get_json()["id"]
    api.post(f"/rounds/{round_id}/current", token)
    clock.set(clock.now + timedelta(seconds=30))
    late = api.post(f"/rounds/{round_id}/answers", token, json={"position": 1, "answer": KEY}).get_json()
    assert late["accepted"] is False and late["correct"] is False


def test_outside_the_audience_and_other_members_rounds_are_404(api, token, member_b, branch_a, make_contest):
    contest = make_contest(audience=[branch_a])
    round_id = api.post(f"/contests/{contest.id}/rounds", token).get_json()["id"]
    other = api.token(member_b)
    assert api.get("/contests", other).get_json() == []
    for call in (lambda: api.get(f"/contests/{contest.id}", other),
                 lambda: api.post(f"/contests/{contest.id}/rounds", other),
                 lambda: api.get(f"/contests/{contest.id}/board", other),
                 lambda: api.get(f"/rounds/{round_id}", other),
                 lambda: api.post(f"/rounds/{round_id}/current", other)):
        assert call().status_code == 404


def test_bad_answer_bodies_are_422(api, token, make_contest):
    contest = make_contest()
    round_id = api.post(f"/contests/{contest.id}/rounds", token).get_json()["id"]
    api.post(f"/rounds/{round_id}/current", token)
    assert api.post(f"/rounds/{round_id}/answers", token, json={"answer": KEY}).status_code == 422
    assert api.post(f"/rounds/{round_id}/answers", token, json={"position": 1, "answer": 5}).status_code == 422
