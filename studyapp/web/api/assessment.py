"""My branch's assessment results (支部评估定级), once a round is published to members, from the service
the member's page uses; nothing of a round before then."""
from __future__ import annotations

from flask import g, jsonify

from ...extensions import db
from ...services.assessment import results
from . import bp
from .auth import bearer
from .shapes import iso, number


@bp.route("/assessment/results")
@bearer
def assessment_results():
    return jsonify([{"round_id": item.round.id, "title": item.round.title, "unit_name": item.entry.unit.name,
                     "grade": item.entry.final_grade, "total": number(item.entry.final_total),
                     "published_at": iso(item.round.published_at)}
                    for item in results.published_for_member(db.session, g.api_user)])
