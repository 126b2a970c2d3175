"""Factories for the organizational-life ledger."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from studyapp.domain.ledger import kinds
from studyapp.services.ledger.activities import ActivityInput, save_activity
from studyapp.services.scope import managed_unit_ids
from tests.conftest import FIXED_NOW

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def make_activity(db):
    """An activity of `unit` recorded by `organizer`, held a day before FIXED_NOW unless told otherwise."""

    def make(organizer, unit, kind=kinds.COMMITTEE, status=kinds.DONE, starts=None, topic="研究本月工作",
             attendance=None, now=FIXED_NOW, **fields):
        starts = starts or FIXED_NOW - timedelta(days=1)
        data = ActivityInput(kind=kind, status=status, starts_at=starts, ends_at=starts + timedelta(hours=1),
                             topic=topic, place="党员活动室", attendance=attendance, **fields)
        activity = save_activity(db.session, organizer, managed_unit_ids(db.session, organizer), unit.id, None,
                                 data, now, SH)
        db.session.commit()
        return activity

    return make


def build_ledger_scale(db, org, branches: int, year: int = 2026, members: int = 7) -> list[int]:
    """`branches` branches under `org`, each with `members` full members and a year of 支委会 and 主题党日
    (every month) and 党员大会 (every quarter), written with Core inserts. The branch ids, in order."""
    from datetime import datetime

    from sqlalchemy import insert, select

    from studyapp.models import Unit, User
    from studyapp.models.ledger import Activity

    db.session.execute(insert(Unit), [dict(name=f"规模{n:04d}党支部", kind="branch", parent_id=org.id, sort_order=n,
                                           created_at=FIXED_NOW) for n in range(branches)])
    ids = list(db.session.scalars(select(Unit.id).where(Unit.parent_id == org.id, Unit.name.like("规模%"))
                                  .order_by(Unit.sort_order)))
    db.session.execute(insert(User), [dict(username=f"s{unit_id}-{n}", name=f"党员{n}", unit_id=unit_id, role="member",
                                           password_hash="x", created_at=FIXED_NOW, active=True,
                                           must_change_password=False, session_version=1, member_kind="full")
                                      for unit_id in ids for n in range(members)])
    rows = []
    for unit_id in ids:
        for month in range(1, 13):
            plan = [(kinds.COMMITTEE, 5), (kinds.THEME_DAY, 10)] + ([(kinds.GENERAL_MEETING, 20)] if month % 3 == 0 else [])
            for kind, day in plan:
                starts = datetime(year, month, day, 9, 0, tzinfo=SH)
                rows.append(dict(organization_id=org.id, unit_id=unit_id, kind=kind, status="done", starts_at=starts,
                                 ends_at=starts, place="", topic="例会", minutes_md="", minutes_html="", decisions="",
                                 minutes_public=False, votes=False, created_at=FIXED_NOW, updated_at=FIXED_NOW))
    db.session.execute(insert(Activity), rows)
    db.session.commit()
    return ids
