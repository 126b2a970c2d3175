"""Group study sessions: scheduling, sign-in window and invitations, attendance per branch and exports."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from studyapp.models.group_study import Attendance, StudySession
from tests.conftest import FIXED_NOW

CLOCK = {"now": FIXED_NOW}


@pytest.fixture
def app_config(app_config):
    CLOCK["now"] = FIXED_NOW
    return {**app_config, "CLOCK": lambda: CLOCK["now"], "SIGNIN_EARLY_MINUTES": 15}


def at(delta):
    CLOCK["now"] = FIXED_NOW + delta


def attendance_count(db):
    db.session.rollback()  # end the test's read snapshot; requests commit in their own sessions
    return db.session.scalar(select(func.count(Attendance.id)))


def test_organizer_schedules_a_session_in_local_time(client, auth, db, organizer_a, branch_a, make_web_module):
    module = make_web_module(organizer_a)
    auth.login(organizer_a)
    page = client.get("/manage/sessions/new").get_data(as_text=True)
    assert "第一党支部" in page and "第二党支部" not in page and "第一章 总则" in page
    response = client.post("/manage/sessions/new", data={
        "title": "五月集中学习", "starts_at": "2026-05-08T14:30", "ends_at": "2026-05-08T16:30",
        "place": "三楼会议室", "note": "", "units": [str(branch_a.id)], "chapters": [str(module.chapters[0].id)]})
    assert response.status_code == 302
    db.session.rollback()
    study = db.session.scalar(select(StudySession))
    assert study.starts_at.isoformat() == "2026-05-08T06:30:00+00:00"  # 14:30 in Beijing
    assert [c.id for c in study.chapters] == [module.chapters[0].id]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "五月集中学习" in detail and "2026-05-08 14:30" in detail


def test_session_must_end_after_it_starts_and_invite_managed_units(client, auth, db, organizer_a, branch_a,
                                                                  branch_b):
    auth.login(organizer_a)
    page = client.post("/manage/sessions/new", data={
        "title": "x", "starts_at": "2026-05-08T16:30", "ends_at": "2026-05-08T14:30",
        "units": [str(branch_a.id)]}).get_data(as_text=True)
    assert "结束时间须晚于开始时间" in page
    page = client.post("/manage/sessions/new", data={
        "title": "x", "starts_at": "2026-05-08T14:30", "ends_at": "2026-05-08T16:30",
        "units": [str(branch_b.id)]}).get_data(as_text=True)
    assert "不在可选范围内" in page
    db.session.rollback()
    assert db.session.scalar(select(func.count(StudySession.id))) == 0


def test_sign_in_only_inside_the_window(client, auth, db, organizer_a, branch_a, member_a, make_study_session):
    study = make_study_session(organizer_a, [branch_a])  # 09:00–11:00 UTC on FIXED_NOW's day
    auth.login(member_a)
    url = f"/group-study/{study.id}/sign-in"
    at(timedelta(minutes=44))  # 16 minutes before the start: too early
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "签到尚未开始" in page and attendance_count(db) == 0
    assert "签到将于" in client.get("/group-study/").get_data(as_text=True)
    at(timedelta(minutes=45))  # 15 minutes before: the early margin opens sign-in
    assert "签到" in client.get("/group-study/").get_data(as_text=True)
    page = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "签到成功" in page and "已签到" in page and attendance_count(db) == 1
    first = db.session.scalar(select(Attendance)).signed_in_at
    at(timedelta(hours=1, minutes=30))  # signing in again changes nothing
    client.post(url)
    assert attendance_count(db) == 1 and db.session.scalar(select(Attendance)).signed_in_at == first


def test_no_sign_in_after_the_end(client, auth, db, organizer_a, branch_a, member_a, make_study_session):
    study = make_study_session(organizer_a, [branch_a])
    auth.login(member_a)
    at(timedelta(hours=3, minutes=1))
    page = client.post(f"/group-study/{study.id}/sign-in", follow_redirects=True).get_data(as_text=True)
    assert "已结束" in page and attendance_count(db) == 0
    assert "未签到" in client.get("/group-study/").get_data(as_text=True)


def test_only_invited_members_may_sign_in(client, auth, db, organizer_a, branch_a, member_b, make_study_session):
    study = make_study_session(organizer_a, [branch_a])
    auth.login(member_b)
    at(timedelta(hours=1, minutes=10))
    assert study.title not in client.get("/group-study/").get_data(as_text=True)
    assert client.post(f"/group-study/{study.id}/sign-in").status_code == 404
    assert attendance_count(db) == 0


def test_inviting_the_organization_invites_every_branch(client, auth, db, admin, org, member_b, make_study_session):
    study = make_study_session(admin, [org])
    auth.login(member_b)
    at(timedelta(hours=1, minutes=10))
    client.post(f"/group-study/{study.id}/sign-in")
    assert attendance_count(db) == 1


def test_attendance_and_absentees_per_branch_with_exports(client, auth, db, admin, org, branch_a, branch_b, member_a,
                                                          member_b, make_user, make_study_session):
    make_user(branch_b, username="b2", name="=1+1")
    study = make_study_session(admin, [org])
    at(timedelta(hours=1, minutes=5))
    auth.login(member_a)
    client.post(f"/group-study/{study.id}/sign-in")
    auth.logout()
    auth.login(admin)
    page = client.get(f"/manage/sessions/{study.id}").get_data(as_text=True)
    assert "第一党支部" in page and "第二党支部" in page and "乙党员" in page
    text = client.get(f"/manage/sessions/{study.id}/attendance.csv").get_data(as_text=True)
    assert text.startswith("\ufeff支部,登录名,姓名,状态,签到时间")
    rows = {row[1]: row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
    assert rows["member_a"][3] == "已签到" and rows["member_a"][4] == "2026-05-01 17:05:00"
    assert rows["member_b"][3] == "缺席" and rows["b2"][2] == "'=1+1"
    response = client.get(f"/manage/sessions/{study.id}/attendance.xlsx")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert {sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)} == {"member_a", "member_b", "b2"}


def test_organizer_sees_only_their_branches(client, auth, organizer_a, organizer_b, branch_a, admin, org,
                                            member_a, member_b, make_study_session):
    own = make_study_session(organizer_a, [branch_a])
    shared = make_study_session(admin, [org], title="全委集中学习")
    auth.login(organizer_b)
    assert client.get(f"/manage/sessions/{own.id}").status_code == 404
    assert client.get(f"/manage/sessions/{own.id}/attendance.csv").status_code == 404
    assert client.post(f"/manage/sessions/{own.id}/delete").status_code == 404
    page = client.get(f"/manage/sessions/{shared.id}").get_data(as_text=True)
    assert "乙党员" in page and "甲党员" not in page  # only the branch they manage
    assert client.get(f"/manage/sessions/{shared.id}/edit").status_code == 404  # not all invitees are theirs


def test_members_cannot_reach_organizer_session_pages(client, auth, member_a, organizer_a, branch_a,
                                                      make_study_session):
    study = make_study_session(organizer_a, [branch_a])
    auth.login(member_a)
    assert client.get("/manage/sessions").status_code == 403
    assert client.get(f"/manage/sessions/{study.id}").status_code == 403
