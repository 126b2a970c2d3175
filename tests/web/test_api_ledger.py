"""API ledger (组织生活): my branch's activities with my attendance and the held/present counts the page shows,
minutes only where published, other branches' activities do not exist, and an activity's sign-in window
leads to the group-study sign-in."""
from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.domain.ledger import kinds
from studyapp.extensions import db as _db
from studyapp.models.ledger import Activity
from studyapp.services.ledger import signin
from tests.conftest import FIXED_NOW

from fixtures_api import conforms


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SIGNIN_EARLY_MINUTES": 15}


def test_my_ledger_counts_and_attendance_as_on_the_page(api, member_a, organizer_a, organizer_b, branch_a, branch_b,
                                                        make_activity):
    make_activity(organizer_a, branch_a, topic="五月支委会", attendance={member_a.id: (kinds.LEAVE, "出差")})
    make_activity(organizer_a, branch_a, kind=kinds.PARTY_LECTURE, topic="四月党课", starts=FIXED_NOW - timedelta(days=20),
                  attendance={member_a.id: (kinds.PRESENT, "")})
    make_activity(organizer_a, branch_a, topic="计划中的会", status=kinds.PLANNED, starts=FIXED_NOW + timedelta(days=3))
    make_activity(organizer_b, branch_b, topic="别的支部")
    body = api.get("/ledger", api.token(member_a)).get_json()
    conforms(body, "Ledger")
    assert (body["held"], body["present"]) == (2, 1)
    lines = [(a["topic"], a["status"], a["attendance"], a["attendance_label"], a["reason"]) for a in body["activities"]]
    assert lines == [
        ("计划中的会", "planned", None, "计划中", ""),
        ("五月支委会", "done", "leave", "请假", "出差"),
        ("四月党课", "done", "present", "出席", ""),
    ]
    assert body["activities"][2]["kind_label"] == "党课" and body["activities"][0]["signin"] is None


def test_minutes_only_where_published_and_other_branches_do_not_exist(api, member_a, organizer_a, organizer_b,
                                                                      branch_a, branch_b, make_activity):
    public = make_activity(organizer_a, branch_a, minutes_public=True, minutes_md="**公开纪要**", decisions="同意",
                           attendance={member_a.id: (kinds.ABSENT, "值班")})
    private = make_activity(organizer_a, branch_a, minutes_md="内部纪要", decisions="保密")
    other = make_activity(organizer_b, branch_b, minutes_public=True, minutes_md="别的纪要")
    token = api.token(member_a)
    shown = api.get(f"/ledger/{public.id}", token).get_json()
    conforms(shown, "LedgerActivity")
    assert shown["minutes"] == {"html": "<p><strong>公开纪要</strong></p>", "decisions": "同意"}
    assert (shown["attendance"], shown["reason"]) == ("absent", "值班")
    hidden = api.get(f"/ledger/{private.id}", token)
    assert hidden.status_code == 200 and hidden.get_json()["minutes"] is None
    assert "内部纪要" not in hidden.get_data(as_text=True)
    missing = api.get(f"/ledger/{other.id}", token)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_an_activity_with_a_sign_in_window_names_the_group_study_session_to_sign_in_to(
        api, member_a, member_b, organizer_a, branch_a, make_activity, clock):
    activity = make_activity(organizer_a, branch_a, kind=kinds.THEME_DAY, status=kinds.PLANNED,
                             starts=FIXED_NOW + timedelta(minutes=10))
    window = signin.open_signin(_db.session, organizer_a, activity, None, None)
    _db.session.commit()
    token = api.token(member_a)
    line = api.get("/ledger", token).get_json()["activities"][0]
    assert line["signin"] == {"session_id": window.id, "state": "open", "signed_in_at": None}
    signed = api.post(f"/group-study/{line['signin']['session_id']}/sign-in", token).get_json()
    detail = api.get(f"/ledger/{activity.id}", token).get_json()
    conforms(detail, "LedgerActivity")
    assert detail["signin"]["signed_in_at"] == signed["signed_in_at"]
    assert detail["attendance"] == "present"  # the sign-in counts as attendance, as on the organizer's sheet
    clock.set(FIXED_NOW + timedelta(hours=2))
    assert api.get(f"/ledger/{activity.id}", token).get_json()["signin"]["state"] == "closed"
    assert api.get(f"/ledger/{activity.id}", api.token(member_b)).status_code == 404


def test_a_window_the_member_is_not_invited_to_is_not_offered(api, member_a, organizer_a, branch_a, branch_b,
                                                              make_activity):
    activity = make_activity(organizer_a, branch_a)
    elsewhere = signin.open_signin(_db.session, organizer_a, activity, None, None)
    elsewhere.units = [branch_b]  # invitations changed afterwards: the branch is no longer invited
    _db.session.commit()
    assert _db.session.get(Activity, activity.id).signin_session_id == elsewhere.id
    line = api.get("/ledger", api.token(member_a)).get_json()["activities"][0]
    assert line["signin"] is None

