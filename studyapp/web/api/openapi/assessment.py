"""My branch's published assessment results."""
from __future__ import annotations

from .common import ID, NUMBER, STRING, TIME, array, nullable, obj, ok, op

SCHEMAS = {
    "AssessmentResult": obj({
        "round_id": ID, "title": STRING, "unit_name": {**STRING, "description": "my branch"},
        "grade": nullable({**STRING, "description": "等次, e.g. 好 / 较好 / 一般 / 差"}),
        "total": nullable({**NUMBER, "description": "final score"}), "published_at": nullable(TIME)}),
}

PATHS = {
    "/assessment/results": {"get": op(
        "listAssessmentResults", "assessment", "My branch's results of rounds published to members, newest first",
        {"200": ok(array("AssessmentResult"))})},
}
