"""The organization's calendar costs a fixed number of queries however many branches it shows: counted for
10 and for 1,000 branches with a year of records each (as the results summary is). Timing: bench/ledger_calendar.py."""
from __future__ import annotations

import pytest

from tests.conftest import FIXED_NOW, recorded_statements
from tests.fixtures_ledger import build_ledger_scale


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


def test_calendar_queries_do_not_grow_with_branches(app, db, client, auth, org, admin, make_unit):
    small = make_unit("小党委", parent=org, kind="organization")
    build_ledger_scale(db, small, 10)
    auth.login(admin)
    counts = []
    for size in (10, 1000):
        if size == 1000:
            db.session.rollback()  # end the read snapshot the login left behind
            build_ledger_scale(db, org, 990)
        response, statements = recorded_statements(db, lambda: client.get("/manage/ledger?year=2026"))
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and body.count('class="ledger-row"') == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts
