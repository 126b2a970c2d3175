"""The demo's ledger: a year of activity in which the calendar shows every state, seeded once."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from studyapp.domain.ledger import kinds
from studyapp.domain.ledger.compliance import DONE, OVERDUE, PENDING
from studyapp.models.ledger import Activity
from studyapp.services import demo
from studyapp.services.ledger import calendar
from studyapp.services.scope import managed_unit_ids
from studyapp.models import User
from tests.fixtures_ledger import SH

DEMO_NOW = datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc)


def test_demo_ledger_shows_every_state_and_is_seeded_once(db, monkeypatch):
    monkeypatch.setattr(demo, "utcnow", lambda: DEMO_NOW)
    report = demo.seed_people(db.session, "demo-pass")
    db.session.commit()
    assert any("组织生活记录" in line for line in report.created)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    rows = {row.unit.name: row for row in
            calendar.organization_calendar(db.session, managed_unit_ids(db.session, admin), 2026, DEMO_NOW, SH)}
    states = {cell.state for row in rows.values() for cell in row.year.cells}
    assert {DONE, PENDING, OVERDUE} <= states
    assert rows["第一党支部"].overdue == 0 and rows["第五党支部"].overdue >= 5
    life = next(c for c in rows["第四党支部"].year.cells if c.rule.kind == kinds.LIFE_MEETING)
    assert life.state == PENDING
    assert rows["第四党支部"].facts.party_groups == 0 and rows["第一党支部"].facts.party_groups == 2
    total = db.session.scalar(select(func.count(Activity.id)))
    demo.seed_people(db.session, "demo-pass")
    assert db.session.scalar(select(func.count(Activity.id))) == total
