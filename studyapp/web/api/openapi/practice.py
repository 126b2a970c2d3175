"""Daily practice, spaced review and the wrong-answer book: questions without keys, feedback after answering."""
from __future__ import annotations

from .common import (
    ANSWER, BAD_BODY, BOOL, BUSY, DAILY_STATUS, ID, INT, KEY, OPTION, QTYPE, QUESTION_ID, STRING, TIME, error,
    nullable, obj, ok, op, ref,
)

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
}

PATHS = {
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
        {"200": ok(ref("WrongBookPage")), "422": error("page or per_page out of range")},
        params=[{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000,
                                                           "default": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50,
                                                               "default": 10}},
                {"name": "all", "in": "query", "description": "1: include resolved entries",
                 "schema": {"type": "string", "enum": ["0", "1"]}}],
    )},
    "/wrong-book/{question_id}/resolve": {"post": op(
        "resolveWrongBookEntry", "practice", "Mark an entry as mastered (移出错题本); repeating it changes nothing",
        {"200": ok(ref("Resolved")), "404": error("not in my wrong-answer book"), **BUSY}, params=[QUESTION_ID],
    )},
}
