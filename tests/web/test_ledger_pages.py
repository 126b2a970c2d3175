"""Ledger pages: an organizer records an activity with attendance from their phone form, errors per field,
attachments by content, the calendar and chase list; members see their own record and their branch only."""
from __future__ import annotations

import io
from pathlib import Path
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from studyapp.domain.ledger import kinds
from studyapp.models.ledger import Activity, ActivityAttachment
from studyapp.services import group_study
from studyapp.services.ledger import signin
from tests.conftest import FIXED_NOW  # 2026-05-01 16:00 in Beijing


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


def count(db, model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def record(client, unit, **fields):
    data = {"kind": "committee", "status": "done", "topic": "研究五月工作", "starts_at": "2026-05-01T09:00",
            "ends_at": "2026-05-01T10:00", "place": "党员活动室", "chair_id": "", "recorder_id": "",
            "party_group_id": "", "minutes_md": "", "decisions": ""}
    data.update(fields)
    return client.post(f"/manage/ledger/branches/{unit.id}/new", data=data)


def test_organizer_records_a_committee_meeting_with_attendance(client, auth, db, organizer_a, member_a, branch_a):
    auth.login(organizer_a)
    form = client.get(f"/manage/ledger/branches/{branch_a.id}/new").get_data(as_text=True)
    assert "甲党员" in form and "全部出席" in form
    response = record(client, branch_a, **{f"att-{member_a.id}": "leave", f"reason-{member_a.id}": "出差",
                                           f"att-{organizer_a.id}": "present", "chair_id": str(organizer_a.id),
                                           "minutes_md": "**议题一**", "decisions": "同意"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "支部委员会会议：研究五月工作" in page and "2026-05-01 09:00" in page
    assert "甲党员：请假（出差）" in page and "<strong>议题一</strong>" in page and "创建记录" in page


def test_form_errors_are_shown_per_field_and_nothing_is_saved(client, auth, db, organizer_a, branch_a, member_b):
    auth.login(organizer_a)
    page = record(client, branch_a, topic="", starts_at="2026-05-03T09:00", ends_at="2026-05-03T08:00",
                  **{f"att-{member_b.id}": "present"}).get_data(as_text=True)
    for message in ("请填写主题", "开始时间不能晚于现在", "结束时间不能早于开始时间", "出席情况中有不属于本支部的人员"):
        assert message in page
    page = record(client, branch_a, starts_at="明天").get_data(as_text=True)
    assert "时间格式应为 年-月-日 时:分" in page
    assert count(db, Activity) == 0


def test_editing_keeps_history_and_the_calendar_turns_done(client, auth, db, organizer_a, branch_a, make_user):
    for _ in range(6):
        make_user(branch_a)
    auth.login(organizer_a)
    page = client.get(f"/manage/ledger/branches/{branch_a.id}").get_data(as_text=True)
    assert 'data-kind="committee" data-period="5" data-state="pending"' in page
    assert 'data-kind="committee" data-period="4" data-state="overdue"' in page
    assert "第十二条（条号已核实）" in page and "第十六条（条号系推断）" in page
    location = record(client, branch_a).headers["Location"]
    page = client.get(f"/manage/ledger/branches/{branch_a.id}").get_data(as_text=True)
    assert 'data-kind="committee" data-period="5" data-state="done"' in page
    activity_id = int(location.rstrip("/").rsplit("/", 1)[1])
    client.post(f"/manage/ledger/activities/{activity_id}/edit", data={
        "kind": "committee", "status": "done", "topic": "研究发展党员", "starts_at": "2026-05-01T09:00",
        "ends_at": "2026-05-01T10:00", "place": "党员活动室"})
    page = client.get(location).get_data(as_text=True)
    assert "“主题”由“研究五月工作”改为“研究发展党员”" in page and "甲组织员" in page


def test_small_branch_is_told_why_no_committee_meetings_are_due(client, auth, organizer_a, branch_a):
    auth.login(organizer_a)
    page = client.get(f"/manage/ledger/branches/{branch_a.id}").get_data(as_text=True)
    assert "不设支部委员会（第二十条）" in page and 'data-kind="committee"' not in page


def test_attachments_only_images_and_pdf_served_to_the_branchs_organizers(client, app, auth, db, organizer_a,
                                                                        organizer_b, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a)
    auth.login(organizer_a)
    url = f"/manage/ledger/activities/{activity.id}/attachments"
    page = client.post(url, data={"files": (io.BytesIO(b"<svg onload=alert(1)>"), "签到.png")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "“签到.png”不是图片" in page and count(db, ActivityAttachment) == 0
    client.post(url, data={"files": (io.BytesIO(b"\xff\xd8\xff\xe0 jpeg"), "签到表.jpg")},
                content_type="multipart/form-data")
    db.session.rollback()
    attachment = db.session.scalar(select(ActivityAttachment))
    response = client.get(f"/manage/ledger/attachments/{attachment.id}")
    assert response.data == b"\xff\xd8\xff\xe0 jpeg" and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    auth.logout()
    auth.login(organizer_b)
    assert client.get(f"/manage/ledger/attachments/{attachment.id}").status_code == 404


def test_chase_list_and_reminder_name_overdue_branches(client, auth, admin, branch_a, branch_b):
    auth.login(admin)
    page = client.get("/manage/ledger/chase").get_data(as_text=True)
    assert "复制提醒" in page and "【三会一课提醒】" in page and "第一党支部：" in page
    assert "主题党日 1月、2月、3月、4月" in page


def test_organization_workbook_has_the_matrix_and_one_sheet_per_kind(client, db, auth, admin, organizer_a, member_a,
                                                                     make_user, branch_a, make_activity):
    signer = make_user(branch_a, name="签到者")
    activity = make_activity(organizer_a, branch_a, topic="=HYPERLINK(\"x\")", starts=FIXED_NOW - timedelta(minutes=30),
                             attendance={member_a.id: (kinds.LEAVE, "出差"), organizer_a.id: (kinds.PRESENT, "")})
    window = signin.open_signin(db.session, organizer_a, activity, None, None)
    db.session.commit()
    for person in (signer, member_a):  # a sign-in counts for the unrecorded only
        group_study.sign_in(db.session, person, window.id, FIXED_NOW, timedelta(minutes=15))
    db.session.commit()
    auth.login(admin)
    response = client.get("/manage/ledger/export.xlsx?year=2026")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["汇总", "合规情况", "党员大会"] and "支委会" in book.sheetnames
    rows = list(book["支委会"].iter_rows(values_only=True))
    assert rows[1][0] == "第一党支部" and rows[1][5] == "=HYPERLINK(\"x\")"
    assert rows[1][10:14] == (2, 1, 0, 0)  # 出席: the organizer and the one who only signed in
    matrix = list(book["合规情况"].iter_rows(values_only=True))
    assert matrix[0][:5] == ("支部", "活动", "周期", "依据", "第1期")
    assert ("第一党支部", "党员大会", "每季度") == next(r for r in matrix if r[1] == "党员大会")[:3]
    assert book["支委会"].cell(2, 6).data_type == "s"


def test_member_sees_own_attendance_and_published_minutes_only_of_own_branch(client, auth, db, organizer_a,
                                                                            organizer_b, member_a, branch_a,
                                                                            branch_b, make_activity):
    public = make_activity(organizer_a, branch_a, topic="公开的支委会", minutes_public=True, minutes_md="公开纪要",
                           attendance={member_a.id: (kinds.ABSENT, "值班")})
    private = make_activity(organizer_a, branch_a, topic="不公开的会", minutes_md="内部纪要")
    other = make_activity(organizer_b, branch_b, topic="别的支部")
    auth.login(member_a)
    page = client.get("/ledger/").get_data(as_text=True)
    assert "公开的支委会" in page and "我：缺席" in page and "别的支部" not in page
    assert "公开纪要" in client.get(f"/ledger/{public.id}").get_data(as_text=True)
    assert "内部纪要" not in client.get(f"/ledger/{private.id}").get_data(as_text=True)
    assert client.get(f"/ledger/{other.id}").status_code == 404


def test_record_book_prints_the_years_held_activities(client, auth, organizer_a, member_a, branch_a, make_activity):
    make_activity(organizer_a, branch_a, topic="一月支委会", starts=FIXED_NOW - timedelta(days=100),
                  attendance={member_a.id: (kinds.PRESENT, "")})
    make_activity(organizer_a, branch_a, topic="计划中的会", status=kinds.PLANNED, starts=FIXED_NOW + timedelta(days=3))
    auth.login(organizer_a)
    page = client.get(f"/manage/ledger/branches/{branch_a.id}/book?year=2026").get_data(as_text=True)
    assert "一月支委会" in page and "计划中的会" not in page and "甲党员" in page


def test_opening_a_sign_in_window_lets_members_sign_in_where_they_always_do(client, app, auth, db, organizer_a,
                                                                           member_a, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a, kind=kinds.THEME_DAY, status=kinds.PLANNED,
                             starts=FIXED_NOW + timedelta(minutes=10))
    auth.login(organizer_a)
    page = client.post(f"/manage/ledger/activities/{activity.id}/sign-in", data={},
                       follow_redirects=True).get_data(as_text=True)
    assert "已开启签到" in page
    auth.logout()
    auth.login(member_a)
    mine = client.get("/group-study/").get_data(as_text=True)
    assert "主题党日：研究本月工作" in mine
    db.session.rollback()
    window = db.session.get(Activity, activity.id).signin_session_id
    assert client.post(f"/group-study/{window}/sign-in").status_code == 302
    auth.logout()
    auth.login(organizer_a)
    assert "甲党员：出席 · 签到" in client.get(f"/manage/ledger/activities/{activity.id}").get_data(as_text=True)


def test_deleting_an_attachment_removes_its_file(client, app, auth, db, organizer_a, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a)
    auth.login(organizer_a)
    client.post(f"/manage/ledger/activities/{activity.id}/attachments",
                data={"files": (io.BytesIO(b"%PDF-1.7 scan"), "扫描件.pdf")}, content_type="multipart/form-data")
    db.session.rollback()
    attachment = db.session.scalar(select(ActivityAttachment))
    stored = Path(app.config["LEDGER_ATTACHMENTS_DIR"]) / attachment.stored_name
    assert stored.read_bytes() == b"%PDF-1.7 scan" and oct(stored.stat().st_mode & 0o777) == "0o600"
    assert client.post(f"/manage/ledger/attachments/{attachment.id}/delete").status_code == 302
    assert not stored.exists() and count(db, ActivityAttachment) == 0
