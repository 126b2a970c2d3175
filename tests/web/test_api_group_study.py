"""API group study: the sessions I am invited to with their sign-in state, and signing in once inside the window."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fixtures_api import conforms


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SIGNIN_EARLY_MINUTES": 15}


def test_sign_in_only_inside_the_window_and_once(api, member_a, organizer_a, branch_a, make_study_session, clock):
    study = make_study_session(organizer_a, [branch_a])  # starts an hour after FIXED_NOW
    token = api.token(member_a)
    listed = api.get("/group-study", token).get_json()
    conforms(listed, schema={"type": "array", "items": {"$ref": "#/components/schemas/GroupStudySession"}})
    assert [(s["id"], s["signin"], s["signed_in_at"]) for s in listed] == [(study.id, "not_yet", None)]
    early = api.post(f"/group-study/{study.id}/sign-in", token)
    assert early.status_code == 422 and early.get_json()["error"]["message"] == "签到尚未开始"
    clock.set(clock.now + timedelta(minutes=45))  # the early margin opens sign-in
    first = api.post(f"/group-study/{study.id}/sign-in", token)
    assert first.status_code == 200
    conforms(first.get_json(), "SignedIn")
    clock.set(clock.now + timedelta(minutes=30))
    assert api.post(f"/group-study/{study.id}/sign-in", token).get_json() == first.get_json()  # once
    assert api.get("/group-study", token).get_json()[0]["signed_in_at"] == first.get_json()["signed_in_at"]
    clock.set(clock.now + timedelta(hours=3))
    assert api.get("/group-study", token).get_json()[0]["signin"] == "closed"


def test_only_invited_members(api, member_b, organizer_a, branch_a, make_study_session, clock):
    study = make_study_session(organizer_a, [branch_a], starts_in=timedelta(minutes=5))
    token = api.token(member_b)
    assert api.get("/group-study", token).get_json() == []
    assert api.post(f"/group-study/{study.id}/sign-in", token).status_code == 404
