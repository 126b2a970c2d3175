"""API branch assessment results (评估定级): my branch's grade only once its round is published to members."""
from __future__ import annotations

from datetime import datetime, timezone

from tests.assessment_world import open_round, sample_draft

from fixtures_api import conforms


def test_branch_assessment_results_only_once_published_to_members(api, db, admin, member_a, member_b, branch_a,
                                                                   branch_b, organizer_a, organizer_b):
    draft = sample_draft()
    draft.indicators = draft.indicators[:2]
    draft.thresholds = {"好": 70, "较好": 60, "一般": 50}
    found = open_round(db, admin, [branch_a, branch_b], draft, spotcheck=0)
    for entry in found.entries:
        entry.final_total, entry.final_grade = (78.0, "好") if entry.unit_id == branch_a.id else (50.5, "一般")
    found.step, found.published_at = "published", datetime(2026, 4, 30, 8, 0, tzinfo=timezone.utc)
    db.session.commit()
    token = api.token(member_a)
    assert api.get("/assessment/results", token).get_json() == []  # published, but not to members
    db.session.get(type(found), found.id).published_to_members = True
    db.session.commit()
    body = api.get("/assessment/results", token).get_json()
    conforms(body, schema={"type": "array", "items": {"$ref": "#/components/schemas/AssessmentResult"}})
    mine = [(r["round_id"], r["unit_name"], r["grade"], r["total"]) for r in body]
    assert mine == [(found.id, branch_a.name, "好", 78.0)]
    assert api.get("/assessment/results", api.token(member_b)).get_json()[0]["grade"] == "一般"
