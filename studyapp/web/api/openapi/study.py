"""Study modules, chapters, my progress through them, and search."""
from __future__ import annotations

from .common import BUSY, INT, NOT_FOUND, STRING, TIME, array, error, nullable, obj, ok, op, ref

SLUG = {"name": "slug", "in": "path", "required": True, "schema": STRING}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
COUNT = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "Module": obj({"slug": STRING, "title": STRING,
                   "chapters": {"type": "array", "items": obj({"number": INT, "title": STRING})},
                   "upcoming": {"type": "array", "items": obj({"number": INT, "title": STRING, "publish_at": TIME}),
                                "description": "instalments not yet released, soonest first (shown locked)"}}),
    "Chapter": obj({"title": STRING, "html": STRING,
                    "articles": {"type": "array", "items": obj({"number": nullable(INT), "anchor": STRING})},
                    "time_token": {**STRING, "description": "send back with POST .../time: reading time is "
                                                            "credited from when this chapter was fetched"}}),
    "ChapterProgress": obj({
        "number": INT, "title": STRING, "started_at": nullable(TIME),
        "completed_at": {**nullable(TIME), "description": "when first marked studied (已完成学习)"},
        "seconds": {**COUNT, "description": "reading time credited"}}),
    "ModuleProgress": obj({
        "slug": STRING, "title": STRING, "chapters_total": COUNT, "completed": COUNT, "seconds": COUNT,
        "chapters": array("ChapterProgress")}),
    "ReadingTime": obj({
        "seconds": {"type": "integer", "minimum": 0,
                    "description": "seconds read since the last report; at most 120 and at most the server time "
                                   "since the chapter was fetched (or since the last credit) count"},
        "time_token": {**STRING, "description": "the chapter's time_token"}}),
    "SearchPage": obj({
        "query": {**STRING, "description": "the query as searched: spaces collapsed, cut to 50 characters"},
        "page": {"type": "integer", "minimum": 1, "description": "a page past the last one gives the last"},
        "per_page": {"type": "integer", "minimum": 1}, "total": COUNT, "pages": {"type": "integer", "minimum": 1},
        "items": {"type": "array", "items": obj({
            "module_slug": STRING, "module_title": STRING, "chapter_number": INT, "chapter_title": STRING,
            "title": {**STRING, "description": "the article's title"},
            "anchor": {**STRING, "description": "the article in the chapter's html: #{anchor}"},
            "snippet_html": {**STRING, "description": "escaped text around the match, matches in <mark>"}})}}),
}

PATHS = {
    "/modules": {"get": op("listModules", "study", "Study modules I may read, with their released chapters",
                           {"200": ok(array("Module"))})},
    "/modules/{slug}/chapters/{number}": {"get": op(
        "getChapter", "study", "A chapter's text (sanitized HTML), its articles (anchors #art-N) and a time_token "
                               "(reads only)",
        {"200": ok(ref("Chapter")), "404": NOT_FOUND}, params=[SLUG, NUMBER],
    )},
    "/modules/{slug}/chapters/{number}/done": {"post": op(
        "markChapterStudied", "study", "Mark the chapter studied (已完成学习); marking again keeps the first time",
        {"200": ok(ref("ChapterProgress")), "404": error("no such chapter, or not released to me"), **BUSY},
        params=[SLUG, NUMBER],
    )},
    "/modules/{slug}/chapters/{number}/time": {"post": op(
        "reportReadingTime", "study",
        "Report reading time; the server credits only what its own clock allows, each stretch of time once",
        {"200": ok(ref("ChapterProgress")), "404": error("no such chapter, or not released to me"),
         "400": error("body is not JSON"),
         "422": error("seconds is not a whole number, or time_token is not this chapter's for me"),
         "429": error("more than 10 reports a minute (website and API together); retry after Retry-After seconds"),
         **BUSY},
        body="ReadingTime", params=[SLUG, NUMBER],
    )},
    "/me/progress": {"get": op("getMyProgress", "study", "My study progress per module and chapter (reads only)",
                               {"200": ok(array("ModuleProgress"))})},
    "/search": {"get": op(
        "searchArticles", "study", "Search the articles I may read, title matches first, 10 a page (as the website)",
        {"200": ok(ref("SearchPage")), "422": error("no query, or page is not a positive whole number")},
        params=[{"name": "q", "in": "query", "required": True, "description": "words to find (cut to 50 characters)",
                 "schema": {"type": "string", "minLength": 1}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000,
                                                           "default": 1}}],
    )},
}
