"""Group study sessions and signing in."""
from __future__ import annotations

from .common import BUSY, ID, INT, STRING, TIME, array, error, nullable, obj, ok, op, path_id, ref

SCHEMAS = {
    "GroupStudySession": obj({
        "id": ID, "title": STRING, "starts_at": TIME, "ends_at": TIME, "place": STRING, "note": STRING,
        "chapters": {"type": "array", "items": obj({"module_slug": STRING, "number": INT, "title": STRING})},
        "signin": {"type": "string", "enum": ["not_yet", "open", "closed"],
                   "description": "open from SIGNIN_EARLY_MINUTES before the start until the end"},
        "signed_in_at": nullable(TIME)}),
    "SignedIn": obj({"session_id": ID, "signed_in_at": TIME}),
}

PATHS = {
    "/group-study": {"get": op("listGroupStudy", "group-study", "Group study sessions I am invited to, by start",
                               {"200": ok(array("GroupStudySession"))})},
    "/group-study/{session_id}/sign-in": {"post": op(
        "signInGroupStudy", "group-study", "Sign in (签到) while sign-in is open; repeating it returns the first record",
        {"200": ok(ref("SignedIn")), "404": error("no such session, or I am not invited"),
         "422": error("sign-in has not opened yet, or the session is over"), **BUSY},
        params=[path_id("session_id", "group study session id")])},
}
