"""The demo assessment shows every state after `flask demo`: two schemes (grades and stars) of 100 points,
last year's published round, this year's open round, problems in each status, a 示范点 flagged 待复核."""
from __future__ import annotations

from sqlalchemy import select

from studyapp.models.assessment import AssessmentProblem, AssessmentRound, AssessmentScheme
from studyapp.services import demo
from studyapp.services.assessment import demo_sites, problems
from studyapp.services.demo_assessment import seed_assessment
from studyapp.services.scope import managed_unit_ids
from studyapp.models import User
from tests.conftest import FIXED_NOW

ZONE = "Asia/Shanghai"


def test_demo_assessment_shows_every_state_and_runs_once(db):
    demo.seed_people(db.session, "demo-pass-1")
    said = seed_assessment(db.session, demo.ORG_NAME, FIXED_NOW)
    db.session.commit()
    assert "本年度评估进行中" in said
    schemes = db.session.scalars(select(AssessmentScheme).order_by(AssessmentScheme.id)).all()
    assert [s.scale_kind for s in schemes] == ["grades", "stars"]
    assert all(sum(i.max_points for i in s.indicators) == 100 for s in schemes)
    assert {i.standard for i in schemes[0].indicators} == {"组织设置", "组织生活", "支部委员会建设", "党员教育管理", "作用发挥"}
    rounds = db.session.scalars(select(AssessmentRound).order_by(AssessmentRound.created_at)).all()
    assert [r.step for r in rounds] == ["published", "self"]
    assert sorted(e.final_grade for e in rounds[0].entries) == ["一般", "好", "好", "较好", "较好"]
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    managed = managed_unit_ids(db.session, admin)
    shown = {row.shown for row in problems.problem_rows(db.session, managed, FIXED_NOW, ZONE, include_closed=True)}
    assert shown == {"open", "in_progress", "awaiting", "closed", "overdue"}
    flagged = [s for s in demo_sites.site_statuses(db.session, managed, FIXED_NOW, ZONE) if s.needs_review]
    assert [s.site.unit.name for s in flagged] == ["第二党支部"]
    assert seed_assessment(db.session, demo.ORG_NAME, FIXED_NOW) == "已存在，未做更改"
    assert db.session.scalar(select(AssessmentProblem.id).where(AssessmentProblem.status == "closed")) is not None


def test_demo_evidence_is_stored_like_an_upload(db, tmp_path):
    """With the instance's evidence store, the demo shows evidence on a sheet organizer1 can still change,
    on a submitted sheet and on a rectification awaiting verification."""
    import os
    import stat

    from studyapp.models.assessment import AssessmentEvidence

    demo.seed_people(db.session, "demo-pass-1")
    seed_assessment(db.session, demo.ORG_NAME, FIXED_NOW, tmp_path / "evidence")
    db.session.commit()
    items = db.session.scalars(select(AssessmentEvidence).order_by(AssessmentEvidence.id)).all()
    assert [(i.filename, i.content_type) for i in items] == [
        ("党支部设立批复.pdf", "application/pdf"), ("支委会会议记录（3月）.png", "image/png"),
        ("民主评议材料归档清单.pdf", "application/pdf")]
    assert [i.score.entry.unit.name for i in items[:2]] == ["第一党支部", "第二党支部"]
    assert items[2].problem.status == "awaiting"
    for item in items:
        path = tmp_path / "evidence" / item.stored_name
        assert path.stat().st_size == item.size and stat.S_IMODE(os.stat(path).st_mode) == 0o600
