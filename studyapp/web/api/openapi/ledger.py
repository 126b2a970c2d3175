"""The member's organizational-life ledger (组织生活)."""
from __future__ import annotations

from .common import ID, STRING, TIME, error, nullable, obj, ok, op, path_id, ref

KIND = {"type": "string", "enum": ["general_meeting", "committee", "group_meeting", "party_lecture", "theme_day",
                                   "life_meeting", "appraisal", "heart_talk", "group_study"]}
LINE = {
    "id": ID, "kind": KIND, "kind_label": {**STRING, "description": "e.g. 党员大会"}, "topic": STRING,
    "status": {"type": "string", "enum": ["planned", "done"]}, "status_label": {**STRING, "description": "计划 / 已开展"},
    "starts_at": TIME, "ends_at": TIME, "place": STRING,
    # None among the values: an OpenAPI 3.0 validator checks the enum even where nullable allows null.
    "attendance": nullable({"type": "string", "enum": ["present", "leave", "absent", "other", None],
                            "description": "my recorded attendance, or present once I signed in through its window; "
                                           "null: nothing recorded"}),
    "attendance_label": {**STRING, "description": "what the web page shows: 计划中 for a planned activity, "
                                                  "else 出席 / 请假 / 缺席 / 其他 / 未记录"},
    "reason": {**STRING, "description": "the reason recorded for an absence, else empty"},
    # Inline, not a $ref: OpenAPI 3.0 ignores `nullable` beside a $ref.
    "signin": nullable(obj({
        "session_id": {**ID, "description": "group study session: sign in with POST /group-study/{session_id}/sign-in"},
        "state": {"type": "string", "enum": ["not_yet", "open", "closed"]},
        "signed_in_at": nullable(TIME)},
        description="the activity's sign-in window, if it has one and I am invited to it")),
}

SCHEMAS = {
    "LedgerLine": obj(LINE),
    "Ledger": obj({"held": {"type": "integer", "minimum": 0, "description": "activities my branch has held"},
                   "present": {"type": "integer", "minimum": 0, "description": "of those, the ones I attended"},
                   "activities": {"type": "array", "items": ref("LedgerLine"),
                                  "description": "latest first, at most 200"}}),
    "LedgerActivity": obj({**LINE, "minutes": nullable(obj(
        {"html": {**STRING, "description": "sanitized HTML"}, "decisions": STRING},
        description="null unless the branch publishes this activity's minutes and decisions to its members"))}),
}

PATHS = {
    "/ledger": {"get": op("listLedger", "ledger", "My branch's activities with my attendance, and held/present counts",
                          {"200": ok(ref("Ledger"))})},
    "/ledger/{activity_id}": {"get": op(
        "getLedgerActivity", "ledger", "One activity of my branch; minutes only where published",
        {"200": ok(ref("LedgerActivity")), "404": error("no such activity in my branch")},
        params=[path_id("activity_id", "ledger activity id")])},
}
