"""The home page in one call."""
from __future__ import annotations

from .common import BOOL, DAILY_STATUS, ID, NUMBER, STRING, TIME, nullable, obj, ok, op, ref

SCHEMAS = {
    "Home": obj({
        "sittings": {"type": "array", "items": ref("Sitting"), "description": "open to me now, soonest closing first"},
        "contests": {"type": "array", "items": obj({"id": ID, "title": STRING, "closes_at": TIME}),
                     "description": "running contests open to me, soonest closing first"},
        "daily": DAILY_STATUS,
        "reviews_due": {"type": "integer", "minimum": 0, "description": "wrong-answer cards due for review today"},
        "modules": {"type": "array", "items": obj({
            "slug": STRING, "title": STRING, "chapters": {"type": "integer", "minimum": 0},
            "completed": {"type": "integer", "minimum": 0}, "percent": {"type": "integer", "minimum": 0, "maximum": 100},
            "seconds": {"type": "integer", "minimum": 0, "description": "reading time credited"}})},
        "scores": {"type": "array", "items": obj({
            "kind": {"type": "string", "enum": ["exam", "contest"]}, "title": STRING, "score": NUMBER,
            "out_of": NUMBER, "at": TIME, "passed": nullable(BOOL)}), "description": "my latest results"},
    }),
}

PATHS = {
    "/home": {"get": op("getHome", "home", "The home page in one call: open exams, contests, daily practice, "
                                            "due reviews, study progress, latest results", {"200": ok(ref("Home"))})},
}
