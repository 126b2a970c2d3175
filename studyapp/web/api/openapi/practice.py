"""Practice sets, daily practice, spaced review and the wrong-answer book: questions without keys, feedback
after answering."""
from __future__ import annotations

from .common import (
    ANSWER, BAD_BODY, BOOL, BUSY, DAILY_STATUS, ID, INT, KEY, OPTION, QTYPE, QUESTION_ID, STRING, TIME, error,
    nullable, obj, ok, op, ref,
)

COUNT = {"type": "integer", "minimum": 0}

PQ_PROPS = {"id": ID, "type": QTYPE, "stem_html": STRING, "options": {"type": "array", "items": OPTION},
            "blanks": {"type": "integer", "minimum": 1, "description": "fill_blank only"}}
#: A question to answer in practice or review: never its key.
PRACTICE_QUESTION = obj(PQ_PROPS, required=["id", "type", "stem_html", "options"])
FEEDBACK = obj({
    "question_id": ID, "correct": BOOL, "answer": ANSWER,
    "correct_answer": {**KEY, "nullable": True, "description": "null while the key is withheld"},
    "explanation_html": nullable(STRING), "module_slug": STRING, "chapter_number": INT,
    "article_number": nullable(INT),
})

SCHEMAS = {
    "DailyStatus": DAILY_STATUS,
    "PracticeQuestion": PRACTICE_QUESTION,
    "Feedback": FEEDBACK,
    "DailyToday": obj({"status": DAILY_STATUS,
                       "position": {**nullable({"type": "integer", "minimum": 0}),
                                    "description": "0-based position to answer next; null when the day is done"},
                       "question": {**PRACTICE_QUESTION, "nullable": True}}),
    "DailyAnswerRequest": obj({"position": {"type": "integer", "minimum": 0}, "answer": ANSWER}),
    "DailyAnswered": obj({"feedback": FEEDBACK, "status": DAILY_STATUS}),
    "ReviewNext": obj({"due_today": {"type": "integer", "minimum": 0},
                       "question": {**PRACTICE_QUESTION, "nullable": True,
                                    "description": "the most overdue card; null when nothing is due now"}}),
    "ReviewAnswerRequest": obj({"answer": ANSWER}),
    "ReviewAnswered": obj({"feedback": FEEDBACK, "next_due": TIME, "due_today": {"type": "integer", "minimum": 0}}),
    "WrongBookEntry": obj({
        **PQ_PROPS, "last_answer": {**ANSWER, "description": "my last wrong answer (null: left blank)"},
        "correct_answer": KEY, "explanation_html": STRING,
        "source": {"type": "string", "enum": ["practice", "exam"]}, "wrong_count": {"type": "integer", "minimum": 1},
        "last_wrong_at": TIME, "resolved_at": nullable(TIME), "module_slug": STRING, "chapter_number": INT,
        "article_number": nullable(INT),
    }, required=["id", "type", "stem_html", "options", "last_answer", "correct_answer", "explanation_html", "source",
                 "wrong_count", "last_wrong_at", "resolved_at", "module_slug", "chapter_number", "article_number"]),
    "WrongBookPage": obj({"page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1},
                          "total": {"type": "integer", "minimum": 0}, "pages": {"type": "integer", "minimum": 1},
                           "items": {"type": "array", "items": ref("WrongBookEntry")}}),
    "Resolved": obj({"question_id": ID, "resolved_at": TIME}),
    "PracticeCatalog": obj({
        "modules": {"type": "array", "items": obj({
            "slug": STRING, "title": STRING, "count": COUNT,
            "chapters": {"type": "array", "items": obj({
                "number": INT, "title": STRING, "count": COUNT,
                "articles": {"type": "array", "items": obj({"number": INT, "count": COUNT})}})}}),
            "description": "what I can practise now: questions per module, chapter and article"},
        "book_count": {**COUNT, "description": "open entries of my wrong-answer book"},
        "random_sizes": {"type": "array", "items": INT, "description": "sizes the website offers"},
        "random_max": INT, "answered": COUNT, "correct": COUNT}),
    "PracticeSetRequest": obj({
        "kind": {"type": "string", "enum": ["chapter", "article", "random", "book"]},
        "module": {**STRING, "description": "module slug: chapter and article sets; book sets optionally"},
        "chapter": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1,
                    "description": "chapter sets; book sets optionally"},
        "article": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1, "description": "article sets"},
        "count": {"type": "integer", "minimum": 1, "maximum": 50, "description": "random sets"},
    }, required=["kind"]),
    "PracticeSet": obj({
        "token": {**STRING, "description": "the set itself (sealed: nothing is kept on the server); send it "
                                           "back to read the current question or to answer it"},
        "title": STRING, "total": {"type": "integer", "minimum": 1},
        "position": {**COUNT, "description": "0-based position of `question`; total when the set is done"},
        "answered": COUNT, "correct": COUNT,
        "question": {**PRACTICE_QUESTION, "nullable": True, "description": "null when the set is done"}}),
    "PracticeAnswerRequest": obj({"token": STRING, "answer": ANSWER}),
    # set: the set moved on, with the next question.
    "PracticeAnswered": obj({"feedback": FEEDBACK, "set": ref("PracticeSet")}),
}

SET_GONE = error("the token is not a set of mine (forged, damaged, or another member's)")

PATHS = {
    "/practice": {"get": op(
        "getPracticeCatalog", "practice", "What I can practise: chapters and articles with counts, the book, sizes",
        {"200": ok(ref("PracticeCatalog"))})},
    "/practice/sets": {"post": op(
        "startPracticeSet", "practice",
        "Start a set by chapter, article, at random or from my wrong-answer book (writes nothing)",
        {"200": ok(ref("PracticeSet")), "404": error("nothing to practise there, or no such module for me"),
         **BAD_BODY}, body="PracticeSetRequest")},
    "/practice/sets/current": {"get": op(
        "getPracticeQuestion", "practice",
        "The set's question to answer now, past questions no longer available (reads only)",
        {"200": ok(ref("PracticeSet")), "404": SET_GONE, "422": error("no token")},
        params=[{"name": "token", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}}])},
    "/practice/sets/answer": {"post": op(
        "answerPracticeQuestion", "practice",
        "Answer the set's current question: feedback (key and explanation where allowed) and the set moved on; "
        "sending the same token again returns the first answer",
        {"200": ok(ref("PracticeAnswered")),
         "404": error("the token is not a set of mine, or the question is no longer available (GET current "
                      "moves past it)"),
         "409": error("the set is done"), **BAD_BODY, **BUSY},
        body="PracticeAnswerRequest")},
    "/daily": {"get": op("getDailyStatus", "practice", "Today's practice progress, streak and points (reads only)",
                         {"200": ok(ref("DailyStatus"))})},
    "/daily/today": {"post": op(
        "continueDaily", "practice",
        "Draw today's set on first use (once per day) and give the question to answer next",
        {"200": ok(ref("DailyToday")), "404": error("nothing to practise yet (study a chapter first)"), **BUSY},
    )},
    "/daily/answer": {"post": op(
        "answerDaily", "practice", "Answer today's question at `position` (in order); feedback, key and explanation",
        {"200": ok(ref("DailyAnswered")), "404": error("nothing to practise, or the question was withdrawn"),
         "409": error("not the next position, or the day is already done"), **BAD_BODY, **BUSY},
        body="DailyAnswerRequest",
    )},
    "/review": {"get": op("nextReview", "practice", "The next wrong-answer card due for spaced review (reads only)",
                          {"200": ok(ref("ReviewNext"))})},
    "/review/{question_id}/answer": {"post": op(
        "answerReview", "practice", "Answer a due review card; feedback and when it comes back",
        {"200": ok(ref("ReviewAnswered")), "404": error("not due for review now, or withdrawn"),
         **BAD_BODY, **BUSY},
        body="ReviewAnswerRequest", params=[QUESTION_ID],
    )},
    "/wrong-book": {"get": op(
        "listWrongBook", "practice", "My wrong-answer book, newest miss first, a page at a time",
        {"200": ok(ref("WrongBookPage")), "404": error("no such module, or not one I may read"),
         "422": error("page, per_page or chapter out of range")},
        params=[{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000,
                                                           "default": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50,
                                                               "default": 10}},
                {"name": "all", "in": "query", "description": "1: include resolved entries",
                 "schema": {"type": "string", "enum": ["0", "1"]}},
                {"name": "module", "in": "query", "description": "only this module's questions (its slug)",
                 "schema": {"type": "string", "minLength": 1}},
                {"name": "chapter", "in": "query", "description": "only this chapter's questions (with or without module)",
                 "schema": {"type": "integer", "minimum": 0, "maximum": 1000000}}],
    )},
    "/wrong-book/{question_id}/resolve": {"post": op(
        "resolveWrongBookEntry", "practice", "Mark an entry as mastered (移出错题本); repeating it changes nothing",
        {"200": ok(ref("Resolved")), "404": error("not in my wrong-answer book"), **BUSY}, params=[QUESTION_ID],
    )},
}
