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
