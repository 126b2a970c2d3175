"""The organizer's day with sittings: the organization's exam seen from a branch, a branch sitting scheduled,
edited before it opens, extended once open (attempts' deadlines follow), refused cancellation once started,
and every change in the sitting's history."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.models.exams import Attempt, Exam, Sitting
from studyapp.services import exams as svc
from tests.conftest import FIXED_NOW


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


@pytest.fixture
def org_exam(exam_bank, make_exam, org):
    module, questions = exam_bank
    return make_exam(module, org, title="全体党员条例测试", fixed=[(q, 10) for q in questions.values()])


def test_branch_organizer_sees_the_organizations_exam_and_schedules_their_branch(
        client, auth, db, clock, org_exam, organizer_a, organizer_b, branch_a, branch_b, make_sitting, make_user):
    mine = [make_user(branch_a) for _ in range(2)]
    theirs = make_user(branch_b, name="乙支部党员")
    org_sitting = make_sitting(org_exam, units=[org_exam.owner_unit], title="全体党员第一场")
    auth.login(organizer_a)
    listing = text(client.get("/manage/exams"))
    assert "全体党员条例测试" in listing and "只读" in listing and "还没有考试" not in listing
    detail = client.get(f"/manage/exams/{org_exam.id}")
    assert detail.status_code == 200
    assert "全体党员第一场" in text(detail) and "修改</a>" not in detail.get_data(as_text=True)
    # Read-only: changing the organization's exam or sitting is forbidden, not hidden.
    assert client.get(f"/manage/exams/{org_exam.id}/edit").status_code == 403
    assert client.get(f"/manage/sittings/{org_sitting.id}/edit").status_code == 403
    assert client.post(f"/manage/sittings/{org_sitting.id}/cancel").status_code == 403
    # The sitting page lists only their own branch's members.
    page = text(client.get(f"/manage/sittings/{org_sitting.id}"))
    assert mine[0].name in page and theirs.name not in page
    # A sitting for their own branch.
    made = client.post(f"/manage/exams/{org_exam.id}/sittings/new", data={
        "title": "第一支部场", "opens_at": "2026-05-02T09:00", "closes_at": "2026-05-02T18:00", "units": [branch_a.id]})
    assert made.status_code == 302
    db.session.rollback()
    sitting = db.session.scalar(select(Sitting).where(Sitting.title == "第一支部场"))
    assert [u.unit_id for u in sitting.units] == [branch_a.id]
    # ...never for another branch.
    other = client.post(f"/manage/exams/{org_exam.id}/sittings/new", data={
        "title": "越权", "opens_at": "2026-05-02T09:00", "closes_at": "2026-05-02T18:00", "units": [branch_b.id]})
    assert other.status_code == 200
    assert db.session.scalar(select(Sitting).where(Sitting.title == "越权")) is None
    # Their branch's sitting is theirs to change; organizer B does not even see it.
    assert client.get(f"/manage/sittings/{sitting.id}/edit").status_code == 200
    auth.logout()
    auth.login(organizer_b)
    assert client.get(f"/manage/sittings/{sitting.id}").status_code == 404


def test_org_draft_exam_stays_hidden_from_branches(client, auth, exam_bank, make_exam, org, organizer_a):
    module, questions = exam_bank
    draft = make_exam(module, org, title="草稿考试", status="draft", fixed=[(q, 10) for q in questions.values()])
    auth.login(organizer_a)
    assert "草稿考试" not in text(client.get("/manage/exams"))
    assert client.get(f"/manage/exams/{draft.id}").status_code == 404


def test_edit_before_open_extend_after_open_cancel_rules_and_history(
        client, auth, db, clock, exam_setup, organizer_a, member_a, make_user):
    exam, _open_sitting, _questions = exam_setup
    auth.login(organizer_a)
    client.post(f"/manage/exams/{exam.id}/sittings/new", data={
        "title": "下周场", "opens_at": "2026-05-08T09:00", "closes_at": "2026-05-08T11:00",
        "units": [exam.owner_unit_id]})
    db.session.rollback()
    sitting = db.session.scalar(select(Sitting).where(Sitting.title == "下周场"))
    # Before it opens everything may change.
    edited = client.post(f"/manage/sittings/{sitting.id}/edit", data={
        "title": "下周场（改）", "opens_at": "2026-05-08T14:00", "closes_at": "2026-05-08T16:00",
        "units": [exam.owner_unit_id]})
    assert edited.status_code == 302
    db.session.rollback()
    sitting = db.session.get(Sitting, sitting.id)
    assert sitting.title == "下周场（改）" and sitting.opens_at.hour == 6  # 14:00 Beijing
    # It opens; a member starts; the time limit is 30 minutes, the close 2 hours away... then 10 minutes away.
    clock.set(sitting.closes_at - timedelta(minutes=10))
    attempt, _ = svc.start_attempt(db.session, member_a, sitting.id, clock.now)
    db.session.commit()
    assert attempt.deadline == sitting.closes_at
    # Once open: an earlier start or close is refused...
    refused = client.post(f"/manage/sittings/{sitting.id}/edit", data={
        "title": sitting.title, "opens_at": "2026-05-08T14:00", "closes_at": "2026-05-08T15:00",
        "units": [exam.owner_unit_id]})
    assert "只能延后" in refused.get_data(as_text=True)
    # ...and a later close extends: the attempt gets min(start + 30 min, new close).
    assert client.post(f"/manage/sittings/{sitting.id}/edit", data={
        "title": sitting.title, "opens_at": "2026-05-08T14:00", "closes_at": "2026-05-08T17:00",
        "units": [exam.owner_unit_id]}).status_code == 302
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)
    # Cancelling a sitting with an attempt is refused with the count.
    client.post(f"/manage/sittings/{sitting.id}/cancel")
    page = text(client.get(f"/manage/sittings/{sitting.id}"))
    assert "本场已有 1 份答卷，不能取消" in page
    assert db.session.get(Sitting, sitting.id).cancelled_at is None
    # History: created, edited (with the times), extended (who, old and new close, attempts extended).
    history = page[page.index("变更记录"):]
    assert "甲组织员 创建" in history and "甲组织员 修改" in history
    assert "开始时间 2026-05-08 09:00 → 2026-05-08 14:00" in history
    assert "甲组织员 延长：结束时间 2026-05-08 16:00 → 2026-05-08 17:00；1 份作答中的答卷随之延长" in history


def test_cancel_an_unstarted_sitting_offers_it_to_nobody(client, auth, db, clock, exam_setup, organizer_a, member_a):
    exam, sitting, _questions = exam_setup
    assert svc.open_sittings_for(db.session, member_a, FIXED_NOW)
    auth.login(organizer_a)
    assert client.post(f"/manage/sittings/{sitting.id}/cancel").status_code == 302
    db.session.rollback()
    assert db.session.get(Sitting, sitting.id).cancelled_at == FIXED_NOW
    assert svc.open_sittings_for(db.session, member_a, FIXED_NOW) == []
    with pytest.raises(Exception):
        svc.start_attempt(db.session, member_a, sitting.id, FIXED_NOW)
    db.session.rollback()
    page = text(client.get(f"/manage/sittings/{sitting.id}"))
    assert "已取消" in page and "甲组织员 取消" in page
    assert client.get(f"/manage/sittings/{sitting.id}/edit").status_code == 302  # back to the page, with a reason


def test_closed_sitting_cannot_be_edited_or_extended(client, auth, db, clock, exam_setup, organizer_a):
    exam, sitting, _questions = exam_setup
    clock.set(sitting.closes_at + timedelta(minutes=1))
    auth.login(organizer_a)
    response = client.post(f"/manage/sittings/{sitting.id}/edit", data={
        "title": "x", "opens_at": "2026-05-01T15:00", "closes_at": "2026-05-09T15:00", "units": [exam.owner_unit_id]})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Sitting, sitting.id).title == "第一场"


def test_future_sitting_lists_everyone_as_not_open_and_offers_no_makeup(
        client, auth, clock, exam_setup, organizer_a, make_user, branch_a, make_sitting):
    exam, _sitting, _questions = exam_setup
    for _ in range(3):
        make_user(branch_a)
    later = make_sitting(exam, units=[branch_a], title="下周", opens_at=FIXED_NOW + timedelta(days=7),
                         closes_at=FIXED_NOW + timedelta(days=8))
    auth.login(organizer_a)
    page = text(client.get(f"/manage/sittings/{later.id}"))
    assert "未开始 4 人" in page  # three members and the organizer
    assert "缺考" not in page and "补考" not in page
    chase = text(client.get(f"/manage/reports/sittings/{later.id}/chase"))
    assert "未开始" in chase and "缺考" not in chase


def test_sitting_refused_while_the_bank_cannot_fill_the_paper(client, auth, db, make_module, make_exam, branch_a,
                                                               organizer_a):
    empty = make_module(slug="empty-bank")
    exam = make_exam(empty, branch_a, status="draft", rules=[dict(count=5, chapter_number=1)])
    auth.login(organizer_a)
    detail = text(client.get(f"/manage/exams/{exam.id}"))
    assert "规则1（第1章）需要5题，题库只有0题" in detail and "新建场次" not in detail
    refused = client.post(f"/manage/exams/{exam.id}/sittings/new", data={
        "title": "x", "opens_at": "2026-05-02T09:00", "closes_at": "2026-05-02T18:00", "units": [branch_a.id]})
    assert "题库题目不足，不能安排场次" in refused.get_data(as_text=True)
    client.post(f"/manage/exams/{exam.id}/publish")
    db.session.rollback()
    assert db.session.get(Exam, exam.id).status == "draft"


def test_clean_draft_is_published_in_one_click(client, auth, db, exam_bank, make_exam, branch_a, organizer_a):
    module, questions = exam_bank
    exam = make_exam(module, branch_a, status="draft", fixed=[(q, 10) for q in questions.values()])
    auth.login(organizer_a)
    page = client.get(f"/manage/exams/{exam.id}").get_data(as_text=True)
    assert f'action="/manage/exams/{exam.id}/publish"' in page
    assert client.post(f"/manage/exams/{exam.id}/publish").status_code == 302
    db.session.rollback()
    assert db.session.get(Exam, exam.id).status == "published"


def test_new_forms_preselect_the_only_branch_and_the_published_bank(client, auth, exam_setup, organizer_a, branch_a,
                                                                    make_module):
    exam, _sitting, _questions = exam_setup
    make_module(slug="zz-empty-draft", status="draft")
    auth.login(organizer_a)
    form = client.get(f"/manage/exams/{exam.id}/sittings/new").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{branch_a.id}"|value="{branch_a.id}"[^>]*checked', form)
    new_exam = client.get("/manage/exams/new").get_data(as_text=True)
    assert re.search(rf'<option selected value="{exam.module_id}"|value="{exam.module_id}" selected', new_exam)
    assert re.search(r'<option selected value="published"|value="published" selected', new_exam)


def test_chase_list_in_tree_order_with_a_ready_message_and_phones(client, auth, db, clock, make_unit, org, make_user,
                                                                   exam_bank, make_exam, make_sitting, admin):
    # Created in reverse so alphabetical, id and tree order differ: 第二支部 sorts first by name.
    late = make_unit("第一支部", parent=org)
    early = make_unit("第二支部", parent=org)
    late.sort_order, early.sort_order = 2, 1
    db.session.commit()
    make_user(late, name="张三", phone="13800000001")
    make_user(late, name="李四", phone="13800000002")
    make_user(early, name="王五", phone=None)
    module, questions = exam_bank
    exam = make_exam(module, org, title="《条例》测试", fixed=[(q, 10) for q in questions.values()])
    sitting = make_sitting(exam, units=[org], closes_at=FIXED_NOW.replace(hour=10))  # 18:00 Beijing
    auth.login(admin)
    page = client.get(f"/manage/reports/sittings/{sitting.id}/chase").get_data(as_text=True)
    assert page.index("第二支部（1 人）") < page.index("第一支部（2 人）")
    assert "请以下同志于5月1日18:00前完成《条例》测试：张三、李四。" in page
    assert "13800000001\n13800000002" in page
    assert 'data-copy="chase-message-' in page and "js/copy.js" in page


def test_extending_a_sitting_stored_with_seconds(client, auth, db, clock, exam_setup, organizer_a, make_sitting):
    """The demo's sitting opened at a moment with seconds; the form shows minutes. Sending the start back
    unchanged is not a change, so extending works."""
    exam, _sitting, _questions = exam_setup
    odd = make_sitting(exam, units=[exam.owner_unit], title="带秒", opens_at=FIXED_NOW - timedelta(seconds=75),
                       closes_at=FIXED_NOW + timedelta(hours=1, seconds=30))
    auth.login(organizer_a)
    form = client.get(f"/manage/sittings/{odd.id}/edit").get_data(as_text=True)
    opens = re.search(r'name="opens_at" value="([^"]+)"', form).group(1)
    response = client.post(f"/manage/sittings/{odd.id}/edit", data={
        "title": "带秒", "opens_at": opens, "closes_at": "2026-05-01T18:00", "units": [exam.owner_unit_id]})
    assert response.status_code == 302, text(response)
    db.session.rollback()
    assert db.session.get(Sitting, odd.id).closes_at == FIXED_NOW + timedelta(hours=2)
    assert db.session.get(Sitting, odd.id).opens_at == FIXED_NOW - timedelta(seconds=75)


def test_saving_says_whether_the_exam_is_published(client, auth, exam_bank, branch_a, organizer_a):
    module, questions = exam_bank
    auth.login(organizer_a)
    base = {"title": "新考试", "description": "", "owner_unit_id": branch_a.id, "module_id": module.id,
            "mode": "fixed", "fixed_key": [q.key for q in questions.values()], "fixed_points": ["25"] * 4,
            "time_limit_minutes": 30, "pass_percent": 60, "attempts_allowed": 1, "counting": "highest",
            "multiple_policy": "all_or_nothing", "review_policy": "immediate"}
    published = client.post("/manage/exams/new", data={**base, "status": "published"}, follow_redirects=True)
    assert "考试已发布。下一步：新建场次" in text(published)
    draft = client.post("/manage/exams/new", data={**base, "title": "草稿考试", "status": "draft"}, follow_redirects=True)
    assert "考试已保存（草稿）" in text(draft)
