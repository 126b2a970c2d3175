"""Ledger services: recording activities with attendance, validation per field, history of edits,
sign-in windows, 集中学习 sessions as activities, quorum from attendance, the compliance calendar."""
from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.domain.ledger import kinds
from studyapp.domain.ledger.compliance import DONE, OVERDUE, PENDING
from studyapp.models.ledger import Activity, PartyGroup
from studyapp.services import group_study
from studyapp.services.errors import Invalid, NotFound
from studyapp.services.ledger import activities as service
from studyapp.services.ledger import attachments, calendar, scope, signin
from studyapp.services.ledger.activities import ActivityInput, FieldErrors
from studyapp.services.scope import managed_unit_ids
from tests.conftest import FIXED_NOW
from tests.fixtures_ledger import SH


def managed(db, user):
    return managed_unit_ids(db.session, user)


def test_an_organizer_records_a_committee_meeting_with_attendance(db, organizer_a, member_a, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a, attendance={member_a.id: (kinds.LEAVE, "出差"),
                                                                organizer_a.id: (kinds.PRESENT, "")},
                             chair_id=organizer_a.id, recorder_id=member_a.id, minutes_md="讨论<script>x</script>**发展党员**")
    lines = {line.user.id: line for line in signin.attendance_sheet(db.session, activity)}
    assert lines[member_a.id].label == "请假" and lines[member_a.id].reason == "出差"
    assert lines[organizer_a.id].state == kinds.PRESENT
    assert "<script>" not in activity.minutes_html and "<strong>发展党员</strong>" in activity.minutes_html
    assert [changes for _, changes in service.history(activity)] == [[]]  # the creation


def test_every_bad_field_is_reported_and_nothing_is_saved(db, organizer_a, branch_a, member_b):
    data = ActivityInput(kind=kinds.COMMITTEE, status=kinds.DONE, starts_at=FIXED_NOW + timedelta(days=1),
                         ends_at=FIXED_NOW, topic="", chair_id=member_b.id, attendance={member_b.id: (kinds.PRESENT, "")})
    with pytest.raises(FieldErrors) as caught:
        service.save_activity(db.session, organizer_a, managed(db, organizer_a), branch_a.id, None, data, FIXED_NOW, SH)
    assert caught.value.errors == {
        "topic": "请填写主题", "starts_at": "已开展的活动，开始时间不能晚于现在；尚未开展的请选“计划”",
        "ends_at": "结束时间不能早于开始时间", "chair_id": "主持人须是本支部党员",
        "attendance": "出席情况中有不属于本支部的人员"}
    db.session.rollback()
    assert db.session.query(Activity).count() == 0


def test_a_planned_activity_may_lie_in_the_future(db, organizer_a, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a, status=kinds.PLANNED, starts=FIXED_NOW + timedelta(days=3))
    assert activity.status == kinds.PLANNED


def test_another_branchs_organizer_cannot_record_or_see_it(db, organizer_a, organizer_b, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a)
    with pytest.raises(NotFound):
        scope.managed_activity(db.session, managed(db, organizer_b), activity.id)
    data = ActivityInput(kind=kinds.COMMITTEE, status=kinds.DONE, starts_at=FIXED_NOW, ends_at=FIXED_NOW, topic="x")
    with pytest.raises(NotFound):
        service.save_activity(db.session, organizer_b, managed(db, organizer_b), branch_a.id, None, data, FIXED_NOW, SH)


def test_editing_a_completed_record_keeps_who_changed_what_and_when(db, organizer_a, admin, member_a, branch_a,
                                                                   make_activity):
    activity = make_activity(organizer_a, branch_a, attendance={member_a.id: (kinds.ABSENT, "")})
    later = FIXED_NOW + timedelta(hours=2)
    data = ActivityInput(kind=kinds.COMMITTEE, status=kinds.DONE, starts_at=activity.starts_at,
                         ends_at=activity.ends_at, topic="研究发展党员工作", place="党员活动室",
                         attendance={member_a.id: (kinds.PRESENT, "")})
    service.save_activity(db.session, admin, managed(db, admin), branch_a.id, activity, data, later, SH)
    db.session.commit()
    revision, changes = service.history(activity)[0]
    assert revision.actor_id == admin.id and revision.at == later
    assert {change.label: (change.old, change.new) for change in changes} == {
        "主题": ("研究本月工作", "研究发展党员工作"),
        "出席情况": ("缺席：甲党员", "出席：甲党员"),
    }
    assert len(activity.revisions) == 2


def test_saving_without_changes_adds_no_revision(db, organizer_a, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a)
    data = ActivityInput(kind=activity.kind, status=activity.status, starts_at=activity.starts_at,
                         ends_at=activity.ends_at, topic=activity.topic, place=activity.place)
    service.save_activity(db.session, organizer_a, managed(db, organizer_a), branch_a.id, activity, data, FIXED_NOW, SH)
    assert len(activity.revisions) == 1


def test_any_activity_opens_a_sign_in_window_and_sign_ins_count_as_present(db, app, organizer_a, member_a, branch_a,
                                                                         make_activity):
    activity = make_activity(organizer_a, branch_a, kind=kinds.THEME_DAY, status=kinds.PLANNED,
                             starts=FIXED_NOW + timedelta(minutes=5))
    study = signin.open_signin(db.session, organizer_a, activity, None, None)
    db.session.commit()
    group_study.sign_in(db.session, member_a, study.id, FIXED_NOW, timedelta(minutes=15))
    db.session.commit()
    lines = {line.user.id: line for line in signin.attendance_sheet(db.session, activity)}
    assert lines[member_a.id].state == kinds.PRESENT and lines[member_a.id].signed_in_at == FIXED_NOW
    assert lines[organizer_a.id].state is None
    with pytest.raises(Invalid):
        signin.open_signin(db.session, organizer_a, activity, None, None)
    # The window is not a 集中学习 of its own: editing it leaves the 主题党日 record alone.
    group_study.save_session(db.session, organizer_a, managed(db, organizer_a), study,
                             group_study.SessionInput(title="改名", starts_at=study.starts_at, ends_at=study.ends_at,
                                                      unit_ids={branch_a.id}), FIXED_NOW)
    assert db.session.query(Activity).count() == 1 and activity.kind == kinds.THEME_DAY


def test_a_group_study_session_is_a_group_study_activity_of_each_invited_branch(db, org, branch_a, branch_b, admin,
                                                                               member_a):
    data = group_study.SessionInput(title="学习条例", starts_at=FIXED_NOW - timedelta(hours=3),
                                    ends_at=FIXED_NOW - timedelta(hours=1), unit_ids={org.id})
    study = group_study.save_session(db.session, admin, managed(db, admin), None, data, FIXED_NOW)
    db.session.commit()
    made = db.session.query(Activity).order_by(Activity.unit_id).all()
    assert [(a.unit_id, a.kind, a.status, a.topic) for a in made] == [
        (branch_a.id, kinds.GROUP_STUDY, kinds.DONE, "学习条例"), (branch_b.id, kinds.GROUP_STUDY, kinds.DONE, "学习条例")]
    assert all(a.signin_session_id == study.id for a in made)
    # Inviting only branch A now: branch B's 集中学习 goes; deleting the session takes A's with it.
    group_study.save_session(db.session, admin, managed(db, admin), study,
                             group_study.SessionInput(title="学习条例", starts_at=study.starts_at,
                                                      ends_at=study.ends_at, unit_ids={branch_a.id}), FIXED_NOW)
    assert [a.unit_id for a in db.session.query(Activity)] == [branch_a.id]
    group_study.delete_session(db.session, study)
    assert db.session.query(Activity).count() == 0


def test_deleting_a_sign_in_window_keeps_the_activity_it_served(db, organizer_a, branch_a, make_activity):
    activity = make_activity(organizer_a, branch_a, kind=kinds.THEME_DAY)
    study = signin.open_signin(db.session, organizer_a, activity, None, None)
    group_study.delete_session(db.session, study)
    db.session.commit()
    assert db.session.get(Activity, activity.id).signin_session_id is None


def test_quorum_of_a_voting_general_meeting_counts_present_full_members(db, organizer_a, branch_a, make_user,
                                                                        make_activity):
    people = [make_user(branch_a) for _ in range(19)] + [make_user(branch_a, member_kind=kinds.PROBATIONARY)]
    voters = [organizer_a] + people[:19]  # 20 正式党员
    present = {user.id: (kinds.PRESENT, "") for user in voters[:10]}
    present[people[19].id] = (kinds.PRESENT, "")  # a 预备党员 has no vote
    activity = make_activity(organizer_a, branch_a, kind=kinds.GENERAL_MEETING, votes=True, attendance=present)
    quorum = signin.quorum(signin.attendance_sheet(db.session, activity))
    assert (quorum.voting, quorum.present, quorum.needed, quorum.met) == (20, 10, 11, False)
    present[voters[10].id] = (kinds.PRESENT, "")
    data = ActivityInput(kind=kinds.GENERAL_MEETING, status=kinds.DONE, starts_at=activity.starts_at,
                         ends_at=activity.ends_at, topic=activity.topic, votes=True, attendance=present)
    service.save_activity(db.session, organizer_a, managed(db, organizer_a), branch_a.id, activity, data, FIXED_NOW, SH)
    assert signin.quorum(signin.attendance_sheet(db.session, activity)).met


def test_party_group_meetings_need_a_group_of_the_branch(db, organizer_a, branch_a, branch_b):
    own, other = PartyGroup(unit_id=branch_a.id, name="第一党小组"), PartyGroup(unit_id=branch_b.id, name="第一党小组")
    db.session.add_all([own, other])
    db.session.commit()
    base = dict(kind=kinds.GROUP_MEETING, status=kinds.DONE, starts_at=FIXED_NOW, ends_at=FIXED_NOW, topic="学习")
    for group_id, message in ((None, "党小组会请选择党小组"), (other.id, "所选党小组不属于本支部")):
        with pytest.raises(FieldErrors) as caught:
            service.save_activity(db.session, organizer_a, managed(db, organizer_a), branch_a.id, None,
                                  ActivityInput(**base, party_group_id=group_id), FIXED_NOW, SH)
        assert caught.value.errors == {"party_group_id": message}


def test_the_calendar_turns_done_when_the_months_committee_meeting_is_recorded(db, organizer_a, branch_a, make_user,
                                                                              make_activity):
    for _ in range(6):
        make_user(branch_a)  # 7 full members with the organizer: a committee is due monthly
    rows = calendar.organization_calendar(db.session, managed(db, organizer_a), 2026, FIXED_NOW, SH)

    def may(rows):
        return next(c for c in rows[0].year.cells if c.rule.kind == kinds.COMMITTEE and c.period.index == 5).state

    assert may(rows) == PENDING
    april = next(c for c in rows[0].year.cells if c.rule.kind == kinds.COMMITTEE and c.period.index == 4)
    assert april.state == OVERDUE
    make_activity(organizer_a, branch_a, starts=FIXED_NOW - timedelta(hours=2))
    rows = calendar.organization_calendar(db.session, managed(db, organizer_a), 2026, FIXED_NOW, SH)
    assert may(rows) == DONE
    assert "支委会" in calendar.reminder_text(calendar.chase_list(rows), 2026)


def test_attachments_are_checked_by_content_and_stored_owner_only(db, organizer_a, branch_a, make_activity, tmp_path):
    activity = make_activity(organizer_a, branch_a)
    with pytest.raises(Invalid) as caught:
        attachments.add_attachments(db.session, organizer_a, activity, [("签到.jpg", b"<html>not an image</html>")],
                                    tmp_path, FIXED_NOW)
    assert "“签到.jpg”不是图片" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    [saved] = attachments.add_attachments(db.session, organizer_a, activity,
                                          [("../../签到表.pdf", b"%PDF-1.4 ...")], tmp_path, FIXED_NOW)
    path = tmp_path / saved.stored_name
    assert saved.filename == "签到表.pdf" and saved.content_type == "application/pdf"
    assert path.stat().st_mode & 0o777 == 0o600
    too_big = b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024)
    with pytest.raises(Invalid, match="超过 10 MB"):
        attachments.add_attachments(db.session, organizer_a, activity, [("大.png", too_big)], tmp_path, FIXED_NOW)
