"""Study modules, chapters and my progress."""
from __future__ import annotations

from .common import INT, NOT_FOUND, STRING, TIME, array, nullable, obj, ok, op, ref

SCHEMAS = {
    "Module": obj({"slug": STRING, "title": STRING,
                   "chapters": {"type": "array", "items": obj({"number": INT, "title": STRING})}}),
    "Chapter": obj({"title": STRING, "html": STRING,
                    "articles": {"type": "array", "items": obj({"number": nullable(INT), "anchor": STRING})}}),
    "ModuleProgress": obj({
        "slug": STRING, "title": STRING, "chapters_total": {"type": "integer", "minimum": 0},
        "completed": {"type": "integer", "minimum": 0}, "seconds": {"type": "integer", "minimum": 0},
        "chapters": {"type": "array", "items": obj({
            "number": INT, "title": STRING, "started_at": nullable(TIME), "completed_at": nullable(TIME),
            "seconds": {"type": "integer", "minimum": 0, "description": "reading time credited"}})}}),
}

PATHS = {
    "/modules": {"get": op("listModules", "study", "Study modules I may read, with their released chapters",
                           {"200": ok(array("Module"))})},
    "/modules/{slug}/chapters/{number}": {"get": op(
        "getChapter", "study", "A chapter's text (sanitized HTML) and its articles (anchors #art-N)",
        {"200": ok(ref("Chapter")), "404": NOT_FOUND},
        params=[{"name": "slug", "in": "path", "required": True, "schema": STRING},
                {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}],
    )},
    "/me/progress": {"get": op("getMyProgress", "study", "My study progress per module and chapter (reads only)",
                               {"200": ok(array("ModuleProgress"))})},
}
