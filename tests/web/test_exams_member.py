"""Member exam pages: list, start, autosave JSON, submit, result and records; time from config CLOCK."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.models.exams import Answer, Attempt
from tests.conftest import FIXED_NOW
from tests.fixtures_exams import KEY_MARK

FILL_KEY = "钥匙文字"


@pytest.fixture
def setup(exam_bank, make_question, make_exam, make_sitting, branch_a, clock):
    module, questions = exam_bank
    questions["fill_blank"] = make_question(module, qtype="fill_blank", answer=[[FILL_KEY]], chapter=1, article=2)
    exam = make_exam(module, branch_a, fixed=[(q, 10) for q in questions.values()], title="条例知识测试")
    sitting = make_sitting(exam, units=[branch_a])
    return exam, sitting, questions


def start(client, sitting):
    response = client.post(f"/exams/sittings/{sitting.id}/start")
    assert response.status_code == 302
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))


def _set_user(db, member, **fields):
    """Change the member's account as an administrator would, between the member's requests."""
    db.session.rollback()
    user = db.session.get(type(member), member.id)
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()


def put(client, attempt_id, question, answer, seq):
    return client.put(f"/exams/attempts/{attempt_id}/answers/{question.id}", json={"answer": answer, "seq": seq})


def test_member_sits_exam_end_to_end(client, auth, db, member_a, setup, clock):
    exam, sitting, q = setup
    auth.login(member_a)
    listing = client.get("/exams/")
    assert "条例知识测试" in listing.get_data(as_text=True) and "开始考试" in listing.get_data(as_text=True)
    attempt_id = start(client, sitting)
    page = client.get(f"/exams/attempts/{attempt_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "答题卡" in html and "第4题" in html and 'data-deadline="2026-05-01T08:30:00+00:00"' in html
    assert KEY_MARK not in html and FILL_KEY not in html
    assert put(client, attempt_id, q["single"], "B", 1).get_json() == {"stored": True, "seq": 1}
    assert put(client, attempt_id, q["fill_blank"], [FILL_KEY], 2).status_code == 200
    assert put(client, attempt_id, q["single"], "A", 1).get_json() == {"stored": False, "seq": 1}  # retried/stale
    # Reload (or another device): saved answers come back checked.
    html = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(r'value="B" checked', html) and 'data-max-seq="2"' in html
    clock.now = FIXED_NOW + timedelta(minutes=12)
    response = client.post(f"/exams/attempts/{attempt_id}/submit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/result")
    result = client.get(f"/exams/attempts/{attempt_id}/result")
    text = result.get_data(as_text=True)
    assert result.headers["Cache-Control"] == "no-store"
    assert "20 分 · 不及格" in text and "满分 40 分" in text and KEY_MARK in text
    assert "/study/exam-bank/1#art-1" in text and "用时 12 分 0 秒" in text
    again = client.post(f"/exams/attempts/{attempt_id}/submit", headers={"Accept": "application/json"})
    assert again.get_json()["score"] == 20
    records = client.get("/exams/records").get_data(as_text=True)
    assert "条例知识测试" in records and "计入" in records and "不及格" in records


def test_late_save_is_409_and_keeps_saved_answers(client, auth, db, member_a, setup, clock):
    _, sitting, q = setup
    auth.login(member_a)
    attempt_id = start(client, sitting)
    put(client, attempt_id, q["true_false"], True, 1)
    clock.now = FIXED_NOW + timedelta(minutes=30, seconds=1)
    late = put(client, attempt_id, q["single"], "B", 2)
    assert late.status_code == 409 and late.get_json()["error"]["message"] == "考试已结束，答案未保存"
    db.session.rollback()  # end the test session's snapshot: requests committed since
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.status, attempt.finalized_by, attempt.score) == ("submitted", "deadline", 10)
    assert db.session.scalar(select(Answer.question_id).where(Answer.attempt_id == attempt_id)) == q["true_false"].id
    # The exam page now goes to the result.
    assert client.get(f"/exams/attempts/{attempt_id}").headers["Location"].endswith("/result")


def test_bad_input_and_other_members(client, auth, db, member_a, member_b, setup, make_user, branch_a):
    _, sitting, q = setup
    auth.login(member_a)
    attempt_id = start(client, sitting)
    assert put(client, attempt_id, q["single"], ["B"], 1).status_code == 422
    assert put(client, attempt_id, q["single"], "B", "x").status_code == 422
    assert client.put(f"/exams/attempts/{attempt_id}/answers/{q['single'].id}", data="nope",
                      content_type="application/json").status_code == 422
    assert client.put(f"/exams/attempts/{attempt_id}/answers/999999", json={"answer": "B", "seq": 1}).status_code == 404
    auth.logout()
    auth.login(member_b)
    assert client.post(f"/exams/sittings/{sitting.id}/start").status_code == 404
    assert client.get(f"/exams/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/exams/attempts/{attempt_id}/result").status_code == 404
    assert put(client, attempt_id, q["single"], "B", 5).status_code == 404
    assert client.post(f"/exams/attempts/{attempt_id}/submit").status_code == 404
    assert "条例知识测试" not in client.get("/exams/").get_data(as_text=True)
    db.session.rollback()  # end the test session's snapshot: requests committed since
    assert db.session.scalar(select(Answer.id).where(Answer.attempt_id == attempt_id)) is None
    auth.logout()
    assert client.put(f"/exams/attempts/{attempt_id}/answers/{q['single'].id}", json={"answer": "B", "seq": 1},
                      headers={"Accept": "application/json"}).status_code == 401


def test_autosave_refuses_a_session_that_no_longer_holds(client, auth, db, member_a, setup):
    """Autosave loads no user first (its statement confirms the session): a session ended elsewhere, a
    deactivated account and one that must change its password are refused as on every other page, and
    nothing is stored for them."""
    from studyapp.services import accounts

    _, sitting, q = setup
    auth.login(member_a)
    attempt_id = start(client, sitting)
    assert put(client, attempt_id, q["single"], "B", 1).status_code == 200
    missing = client.put(f"/exams/attempts/{attempt_id + 999}/answers/{q['single'].id}", json={"answer": "B", "seq": 1})
    assert missing.status_code == 404  # a live session asking for a paper that does not exist

    _set_user(db, member_a, must_change_password=True)
    forced = put(client, attempt_id, q["single"], "C", 2)
    assert forced.status_code == 403 and forced.get_json()["error"]["code"] == "password_change_required"
    _set_user(db, member_a, must_change_password=False)
    assert put(client, attempt_id, q["single"], "C", 3).get_json() == {"stored": True, "seq": 3}

    db.session.rollback()
    accounts.log_out_everywhere(db.session, db.session.get(type(member_a), member_a.id))
    db.session.commit()
    stale = put(client, attempt_id, q["single"], "D", 4)
    assert stale.status_code == 401 and stale.get_json()["error"]["code"] == "login_required"
    gone = client.put(f"/exams/attempts/{attempt_id + 999}/answers/{q['single'].id}", json={"answer": "B", "seq": 5})
    assert gone.status_code == 401  # stale is stale, whatever the paper

    auth.login(member_a)
    _set_user(db, member_a, active=False)
    assert put(client, attempt_id, q["single"], "D", 6).status_code == 401
    db.session.rollback()
    saved = db.session.execute(select(Answer.response, Answer.client_seq).where(
        Answer.attempt_id == attempt_id, Answer.question_id == q["single"].id)).one()
    assert tuple(saved) == ("C", 3)


def test_start_and_submit_refuse_a_session_that_no_longer_holds(client, auth, db, member_a, setup, clock):
    """Start and submit confirm the session in their own statements too: a prepared paper is not started
    and a paper is not graded for a session ended elsewhere or an account that must change its password;
    the member gets the login or password page, as on every other page."""
    from studyapp.services import accounts
    from studyapp.services.exams import prepare

    _, sitting, _ = setup
    prepare.prepare_sitting(db.session, sitting, clock.now)
    db.session.commit()
    sitting_id = sitting.id
    auth.login(member_a)

    def statuses():
        db.session.rollback()
        return set(db.session.scalars(select(Attempt.status).where(Attempt.user_id == member_a.id)))

    _set_user(db, member_a, must_change_password=True)
    refused = client.post(f"/exams/sittings/{sitting_id}/start")
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/password")
    assert statuses() == {"prepared"}
    _set_user(db, member_a, must_change_password=False)
    attempt_id = start(client, sitting)
    assert statuses() == {"in_progress"}

    db.session.rollback()
    accounts.log_out_everywhere(db.session, db.session.get(type(member_a), member_a.id))
    db.session.commit()
    form = client.post(f"/exams/attempts/{attempt_id}/submit")
    assert form.status_code == 302 and "/login" in form.headers["Location"]
    api_like = client.post(f"/exams/attempts/{attempt_id}/submit", headers={"Accept": "application/json"})
    assert api_like.status_code == 401 and api_like.get_json()["error"]["code"] == "login_required"
    assert statuses() == {"in_progress"}  # nothing graded for the stale session
    again = client.post(f"/exams/sittings/{sitting_id}/start")
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_review_withheld_until_sitting_closes(client, auth, db, member_a, setup, clock):
    exam, sitting, q = setup
    exam.review_policy = "after_close"
    db.session.commit()
    auth.login(member_a)
    attempt_id = start(client, sitting)
    client.post(f"/exams/attempts/{attempt_id}/submit")
    html = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert KEY_MARK not in html and FILL_KEY not in html and "答案与解析将在本考试全部场次（含补考）结束后公布" in html
    clock.now = sitting.closes_at
    html = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert KEY_MARK in html and FILL_KEY in html


def test_never_review_and_overdue_result(client, auth, db, member_a, setup, clock):
    exam, sitting, q = setup
    exam.review_policy = "never"
    db.session.commit()
    auth.login(member_a)
    attempt_id = start(client, sitting)
    put(client, attempt_id, q["single"], "B", 1)
    clock.now = FIXED_NOW + timedelta(hours=2)
    html = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "考试时间已到" in html
    client.post(f"/exams/attempts/{attempt_id}/submit")
    html = client.get(f"/exams/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "10 分 · " in html and "时间到" in html and "本考试不公布答案" in html
    assert KEY_MARK not in html and FILL_KEY not in html


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_autosave_needs_the_csrf_header(self, client, db, member_a, setup):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
        token = token.group(1) or token.group(2)
        client.post("/login", data={"username": "member_a", "password": "correct-horse-7", "csrf_token": token})
        page = client.get("/exams/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        _, sitting, q = setup
        response = client.post(f"/exams/sittings/{sitting.id}/start", data={"csrf_token": token})
        attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
        url = f"/exams/attempts/{attempt_id}/answers/{q['single'].id}"
        assert client.put(url, json={"answer": "B", "seq": 1}).status_code == 400
        ok = client.put(url, json={"answer": "B", "seq": 1}, headers={"X-CSRFToken": token})
        assert ok.status_code == 200 and ok.get_json()["stored"]
