"""Formula injection in every export: names and titles that a spreadsheet would run as a formula come out
as text — a leading apostrophe in CSV, a string cell (never a formula) in .xlsx — while scores stay numbers.

Exports are found, not listed by hand: every GET route is fetched by the admin (who sees both branches)
plain and with ?format=csv|xlsx, and every attachment that comes back is checked. The test fails when
an endpoint that looks like an export (name or path says export/download/.csv/.xlsx/<fmt>) produced no
file, or when the set of exporting endpoints changes without EXPORTS below being updated."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from studyapp.database import intending_to_write
from studyapp.extensions import db as _db
from studyapp.models.ledger import PartyGroup
from tests.security import access_table as table
from tests.security.test_access_matrix import _branches, _clients, build_url, world  # noqa: F401
from tests.assessment_world import poison
from tests.conftest import FIXED_NOW

PAYLOADS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+2"]
FORMULA_START = tuple("=+-@\t\r")

#: Endpoints that answer with a CSV or .xlsx file (checked both ways: each must, and no other does).
EXPORTS = {
    "admin.roster_template", "organizer.question_template", "organizer.question_export",
    "organizer.contest_export", "organizer.session_export", "organizer.completion",
    "organizer.report_scores", "organizer.report_chase", "organizer.report_distribution",
    "organizer.report_sitting", "organizer.report_items", "organizer.report_articles",
    "organizer.report_transcript", "organizer.report_regrade", "organizer.report_member",
    "organizer.ledger_export",
    "organizer.assessment_export", "organizer.assessment_problems_export", "organizer.assessment_scheme_export",
    "organizer.assessment_scheme_template",
}
#: Exports that show a name or title we poisoned, so a payload must be in them (the others hold
#: templates, counts and ids, or standings the world has none of; they are still checked cell by cell).
NAMED = {"organizer.question_export", "organizer.session_export", "organizer.completion", "organizer.report_scores",
         "organizer.report_sitting", "organizer.report_transcript", "organizer.ledger_export",
         "organizer.assessment_export", "organizer.assessment_problems_export", "organizer.assessment_scheme_export"}
#: Workbooks of several sheets, offered as .xlsx only.
XLSX_ONLY = {"organizer.question_export", "organizer.question_template", "organizer.ledger_export",
             "organizer.assessment_export", "organizer.assessment_problems_export",
             "organizer.assessment_scheme_export", "organizer.assessment_scheme_template"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CLOCK": lambda: FIXED_NOW}


@pytest.fixture
def poisoned(db, world):
    """Every name and title the exports show, set to a formula-looking payload."""
    db.session.rollback()
    with intending_to_write():
        for n, side in enumerate(world.sides.values()):
            first, second = PAYLOADS[n % 4], PAYLOADS[(n + 1) % 4]
            side.member.name = first
            side.unit.name = f"{second}{n}"  # unit names are unique
            side.organizer.name = PAYLOADS[(n + 2) % 4]
            side.module.title = second
            side.exam.title = PAYLOADS[(n + 3) % 4]
            side.sitting.title = first
            side.contest.title = second
            side.study.title = first
            side.activity.topic, side.activity.place = first, second
            side.activity.decisions = PAYLOADS[(n + 3) % 4]
            side.activity.party_group = PartyGroup(unit_id=side.unit.id, name=PAYLOADS[(n + 2) % 4])
            for i, question in enumerate(side.questions):
                question.current.stem_md = PAYLOADS[(n + 2) % 4]
                question.key = f"{PAYLOADS[(n + 3) % 4]}{n}-{i}"  # keys are exported too (编号)
        poison(world, PAYLOADS)
        db.session.commit()
    return world


def _files(app, world):
    """(endpoint, url, kind, body) for every attachment a GET route gives the admin."""
    clients, _ = _clients(app, world)
    admin = clients["admin"]
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint.startswith(("api.", "static", "bootstrap.")):
            continue
        formats = ("csv", "xlsx") if "fmt" in rule.arguments else (None,)
        for branch in _branches(rule):
            for fmt in formats:
                base = build_url(app, world, rule, branch)
                if fmt:
                    base = base.rsplit(".", 1)[0] + "." + fmt
                join = "&" if "?" in base else "?"
                for url in (base, f"{base}{join}format=csv", f"{base}{join}format=xlsx") if not fmt else (base,):
                    response = admin.get(url)
                    body = response.get_data()
                    response.close()
                    if "attachment" not in response.headers.get("Content-Disposition", ""):
                        continue
                    kind = "xlsx" if body[:2] == b"PK" else "csv"
                    found.append((rule.endpoint, url, kind, body))
    _db.session.rollback()
    return found


def _looks_like_export(rule) -> bool:
    text = f"{rule.endpoint} {rule.rule}".lower()
    return any(word in text for word in ("export", "download", ".csv", ".xlsx", "<fmt>", "template."))


def _csv_cells(body: bytes):
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _xlsx_cells(body: bytes):
    book = openpyxl.load_workbook(io.BytesIO(body))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _carries(value: str) -> bool:
    return any(payload in value for payload in PAYLOADS)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_every_export_neutralizes_formulas_and_keeps_numbers(app, poisoned):
    files = _files(app, poisoned)
    exporting = {endpoint for endpoint, *_ in files}
    looks = {r.endpoint for r in app.url_map.iter_rules() if _looks_like_export(r)}
    assert looks <= exporting, f"export routes that gave no file: {looks - exporting}"
    assert exporting == EXPORTS, f"exports changed: new {exporting - EXPORTS}, gone {EXPORTS - exporting}"
    problems, kinds = [], {}
    for endpoint, url, kind, body in files:
        kinds.setdefault(endpoint, set()).add(kind)
        if kind == "csv":
            cells = _csv_cells(body)
            bad = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]
            shown = [c for c in cells if _carries(c)]
            if any(not c.startswith("'") for c in shown):
                bad.append(f"unescaped payload in {shown}")
        else:
            cells = _xlsx_cells(body)
            # A string cell is inert in Excel and WPS whatever it starts with; a formula cell is not.
            bad = [f"{c.coordinate}={c.value!r}" for c in cells if c.data_type == "f"]
            shown = [c.value for c in cells if isinstance(c.value, str) and _carries(c.value) and c.data_type == "s"]
        if bad:
            problems.append(f"{url} ({kind}): {bad[:5]}")
        if endpoint in NAMED and not shown:
            problems.append(f"{url} ({kind}): shows none of the payloads, so it proves nothing")
    assert not problems, "\n".join(problems)
    assert all(k == {"csv", "xlsx"} for e, k in kinds.items() if e not in XLSX_ONLY), kinds


def test_scores_stay_numbers_in_xlsx(app, poisoned):
    sitting = poisoned.sides["A"].sitting
    clients, _ = _clients(app, poisoned)
    response = clients["admin"].get(f"/manage/reports/sittings/{sitting.id}/scores?format=xlsx")
    cells = _xlsx_cells(response.get_data())
    numbers = [c for c in cells if c.data_type == "n" and isinstance(c.value, (int, float))]
    assert numbers, "the score column is no longer numeric"
    assert any(c.value == 100 or c.value == 100.0 or isinstance(c.value, float) for c in numbers)
