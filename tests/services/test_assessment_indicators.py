"""Platform indicators: correct figures from fixtures, and one query per indicator at 1,000 branches."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from studyapp.models import Unit, User
from studyapp.models.assessment import AssessmentIndicator
from studyapp.models.exams import Attempt
from studyapp.models.group_study import Attendance
from studyapp.models.ledger import Activity
from studyapp.models.progress import StudyProgress
from studyapp.domain.ledger import kinds
from studyapp.services.ledger import calendar
from studyapp.services.assessment import indicators
from tests.conftest import FIXED_NOW, PASSWORD_HASH, recorded_statements


def _indicator(kind, scope_ids=(), points=10):
    return AssessmentIndicator(id=hash(kind) % 10_000, source="platform", platform_kind=kind, max_points=points,
                               scope_ids=list(scope_ids), standard="", code="", title="", position=1)


def test_each_provider_counts_the_branch_roll(db, org, branch_a, branch_b, member_a, member_b, organizer_a, make_user,
                                             make_module, make_question, make_exam, make_sitting,
                                             make_study_session):
    module = make_module()
    exam = make_exam(module, org, fixed=[(make_question(module), 100)])
    sitting = make_sitting(exam, units=[org])
    for user, passed in ((member_a, True), (member_b, False)):
        db.session.add(Attempt(sitting_id=sitting.id, user_id=user.id, number=1, status="submitted", seed=1,
                               started_at=FIXED_NOW, deadline=FIXED_NOW, submitted_at=FIXED_NOW, score=100 * passed,
                               max_score=100, passed=passed))
    chapters = module.chapters
    db.session.add(StudyProgress(user_id=member_a.id, chapter_id=chapters[0].id, started_at=FIXED_NOW,
                                 completed_at=FIXED_NOW))
    db.session.add(StudyProgress(user_id=member_a.id, chapter_id=chapters[1].id, started_at=FIXED_NOW,
                                 completed_at=FIXED_NOW + timedelta(days=30)))  # after the snapshot
    study = make_study_session(organizer_a, [branch_a], starts_in=timedelta(hours=-5))  # over by FIXED_NOW
    db.session.add(Attendance(session_id=study.id, user_id=member_a.id, signed_in_at=FIXED_NOW))
    make_user(branch_b, active=False)  # inactive people are not on the roll
    db.session.commit()
    branches = [branch_a.id, branch_b.id]
    compute = lambda kind, ids=(): indicators.PROVIDERS[kind](db.session, branches, _indicator(kind, ids), FIXED_NOW)  # noqa: E731
    # branch A: member_a + organizer_a; branch B: member_b
    assert compute("exam_participation", [sitting.id]) == {branch_a.id: indicators.Measure(1, 2),
                                                           branch_b.id: indicators.Measure(1, 1)}
    assert compute("exam_pass_rate", [sitting.id]) == {branch_a.id: indicators.Measure(1, 2),
                                                       branch_b.id: indicators.Measure(0, 1)}
    assert compute("study_completion", [module.id]) == {branch_a.id: indicators.Measure(1, 4),
                                                        branch_b.id: indicators.Measure(0, 2)}
    assert compute("group_study_attendance") == {branch_a.id: indicators.Measure(1, 2),
                                                 branch_b.id: indicators.Measure(0, 0)}
    values = indicators.compute(db.session, [_indicator("exam_pass_rate", [sitting.id])], branches, FIXED_NOW)
    assert values[(_indicator("exam_pass_rate").id, branch_a.id)] == (5.0, "1/2（50%）")


def test_ledger_compliance_counts_what_the_calendar_shows_held_and_overdue(db, org, branch_a, branch_b, member_a,
                                                                        member_b):
    zone = ZoneInfo("Asia/Shanghai")
    # Branch A held its January 主题党日 (FIXED_NOW is 1 May: January to April are over, May is running).
    db.session.add(Activity(organization_id=org.id, unit_id=branch_a.id, kind=kinds.THEME_DAY, status=kinds.DONE,
                            starts_at=datetime(2026, 1, 15, 1, 0, tzinfo=timezone.utc),
                            ends_at=datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc), topic="主题党日"))
    # Branch B held May's, in the running period: it counts as held and as due.
    db.session.add(Activity(organization_id=org.id, unit_id=branch_b.id, kind=kinds.THEME_DAY, status=kinds.DONE,
                            starts_at=datetime(2026, 4, 30, 17, 0, tzinfo=timezone.utc),  # 1 May in Shanghai
                            ends_at=datetime(2026, 4, 30, 18, 0, tzinfo=timezone.utc), topic="主题党日"))
    db.session.commit()
    measures = indicators.PROVIDERS["ledger_compliance"](db.session, [branch_a.id, branch_b.id],
                                                         _indicator("ledger_compliance"), FIXED_NOW)
    rows = {row.unit.id: row for row in calendar.calendar_rows(db.session, [branch_a, branch_b], 2026, FIXED_NOW, zone)}
    for branch in (branch_a, branch_b):
        row = rows[branch.id]
        assert measures[branch.id] == indicators.Measure(row.done, row.done + row.overdue)
    assert measures[branch_a.id].numerator == 1 and measures[branch_b.id].numerator == 1
    # Both branches owe the same periods; B's held period was still running, so it owes one more.
    assert measures[branch_b.id].denominator == measures[branch_a.id].denominator + 1 > 1


def test_one_query_per_indicator_at_a_thousand_branches(db, org, make_module, make_question, make_exam,
                                                        make_sitting):
    module = make_module()
    exam = make_exam(module, org, fixed=[(make_question(module), 100)])
    sitting = make_sitting(exam, units=[org])
    db.session.execute(insert(Unit), [{"name": f"第{n}支部", "kind": "branch", "parent_id": org.id, "sort_order": n}
                                      for n in range(1000)])
    branch_ids = list(db.session.scalars(select(Unit.id).where(Unit.parent_id == org.id)))
    db.session.execute(insert(User), [{"username": f"m{n}", "name": f"党员{n}", "unit_id": unit_id, "role": "member",
                                       "password_hash": PASSWORD_HASH} for n, unit_id in enumerate(branch_ids * 3)])
    user_ids = list(db.session.scalars(select(User.id).where(User.role == "member")))
    db.session.execute(insert(Attempt), [
        {"sitting_id": sitting.id, "user_id": uid, "number": 1, "status": "submitted", "seed": 1,
         "started_at": FIXED_NOW, "deadline": FIXED_NOW, "submitted_at": FIXED_NOW, "score": 80, "max_score": 100,
         "passed": True} for uid in user_ids[::2]])
    db.session.commit()
    kinds = [_indicator("exam_participation", [sitting.id]), _indicator("exam_pass_rate", [sitting.id], 5),
             _indicator("study_completion", [module.id]), _indicator("group_study_attendance"),
             _indicator("ledger_compliance")]
    for n, item in enumerate(kinds):
        item.id = n + 1
    values, statements = recorded_statements(db, lambda: indicators.compute(db.session, kinds, branch_ids, FIXED_NOW))
    count = len(statements)
    assert count == (len(kinds) - 1) + 3  # one each; the ledger: full members, 党小组, the year's activities
    assert len(values) == len(kinds) * 1000
    assert {values[(1, b)][1].split("（")[0].split("/")[1] for b in branch_ids} == {"3"}
    assert sum(int(values[(1, b)][1].split("/")[0]) for b in branch_ids) == 1500
