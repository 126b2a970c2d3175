"""An attempt prepared but never started is not an attempt on any page, export, count or API answer:
every page below is byte for byte the same before and after the sitting's papers are drawn ahead."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from studyapp.models.exams import PREPARED, Attempt
from studyapp.services.exams import prepare
from tests.conftest import FIXED_NOW, PASSWORD
from tests.fixtures_api import ApiClient


#: Each login gets its own CSRF token; nothing else on a page may differ.
TOKEN = re.compile(rb'(name="csrf_token" value="|<meta name="csrf-token" content=")[^"]+')


@pytest.fixture
def cohort(make_cohort, branch_a, branch_b, org):
    return make_cohort({branch_a: 14, branch_b: 10}, seed=11, owner=org)


def organizer_pages(cohort, absent, started) -> list[str]:
    sitting, exam = cohort.sitting.id, cohort.exam.id
    return [
        f"/manage/reports/sittings/{sitting}", f"/manage/reports/sittings/{sitting}?format=csv",
        f"/manage/reports/sittings/{sitting}?format=xlsx",
        f"/manage/reports/sittings/{sitting}/scores?format=csv", f"/manage/reports/sittings/{sitting}/scores",
        f"/manage/reports/sittings/{sitting}/chase", f"/manage/reports/sittings/{sitting}/chase?format=csv",
        f"/manage/reports/sittings/{sitting}/distribution", f"/manage/reports/sittings/{sitting}/monitor",
        f"/manage/reports/sittings/{sitting}/monitor.json", f"/manage/sittings/{sitting}",
        f"/manage/reports/sittings/{sitting}/members/{absent}", f"/manage/reports/sittings/{sitting}/members/{started}",
        f"/manage/reports/members/{absent}", f"/manage/reports/members/{absent}?format=xlsx",
        f"/manage/reports/exams/{exam}/items", f"/manage/reports/exams/{exam}/articles?format=csv", "/manage/reports",
    ]


def cells(workbook: bytes) -> bytes:
    """A workbook's cell values (the file itself carries the moment it was written)."""
    book = load_workbook(io.BytesIO(workbook))
    return repr([[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]).encode()


def snapshot(app, admin, absent_user, cohort) -> dict[str, bytes]:
    """Every page that counts or lists attempts, as the organizer and as a member who never started."""
    started = next(r.user.id for r in cohort.records if r.attempts)
    pages = {}
    organizer = app.test_client()
    assert organizer.post("/login", data={"username": admin.username, "password": PASSWORD}).status_code == 302
    for path in organizer_pages(cohort, absent_user.id, started):
        response = organizer.get(path)
        assert response.status_code == 200, path
        pages[path] = cells(response.get_data()) if "xlsx" in path else TOKEN.sub(rb"\1", response.get_data())
    member = app.test_client()
    assert member.post("/login", data={"username": absent_user.username, "password": PASSWORD}).status_code == 302
    for path in ("/", "/exams/", "/exams/records"):
        response = member.get(path)
        assert response.status_code == 200, path
        pages[f"member {path}"] = TOKEN.sub(rb"\1", response.get_data())
    api = ApiClient(app.test_client())
    token = api.token(absent_user)
    for path in ("/sittings", "/me/attempts"):
        pages[f"api {path}"] = api.get(path, token).get_data()
    return pages


def test_pages_exports_counts_and_api_ignore_prepared_papers(app, db, clock, cohort, admin):
    absent = [r.user for r in cohort.records if not r.attempts]
    assert absent
    before = snapshot(app, admin, absent[0], cohort)
    db.session.rollback()
    made = prepare.prepare_sitting(db.session, db.session.merge(cohort.sitting), FIXED_NOW)
    db.session.commit()
    # Everyone without an attempt now has a paper waiting (the admin too: the audience is the organization).
    assert made >= len(absent)
    assert db.session.scalar(select(func.count()).where(Attempt.status == PREPARED)) == made
    after = snapshot(app, admin, absent[0], cohort)
    changed = [path for path in before if before[path] != after[path]]
    assert changed == []
    # Still 未参考 for the organizer, and the sitting may still be cancelled if nobody started.
    assert "未参考" in after[f"/manage/reports/sittings/{cohort.sitting.id}/chase"].decode()
