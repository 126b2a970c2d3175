"""Exam sittings, attempts, answers and results."""
from __future__ import annotations

from .common import (
    ANSWER, ATTEMPT_ID, BAD_BODY, BOOL, BUSY, ID, INT, NOT_FOUND, NUMBER, OPTION, QTYPE, QUESTION_ID, SITTING_ID,
    STATUS, STRING, TIME, array, error, nullable, obj, ok, op, ref,
)

SCHEMAS = {
    "Sitting": obj({"id": ID, "title": STRING, "exam_title": STRING,
                    "is_makeup": {**BOOL, "description": "a make-up sitting (补考)"},
                     "pass_percent": {"type": "integer", "minimum": 0, "maximum": 100,
                                      "description": "share of the maximum score needed to pass"},
                     "in_progress_attempt_id": {**nullable(ID), "description": "my attempt in progress, to resume"},
                     "opens_at": TIME, "closes_at": TIME,
                     "time_limit_minutes": INT, "attempts_left": {"type": "integer", "minimum": 0}}),
    "PaperQuestion": obj(
        {"id": ID, "type": QTYPE, "stem_html": STRING, "options": {"type": "array", "items": OPTION},
         "points": NUMBER, "blanks": {"type": "integer", "minimum": 1, "description": "fill_blank only"}},
        required=["id", "type", "stem_html", "options", "points"],
    ),
    "Paper": obj({
        "id": ID, "deadline": TIME, "questions": {"type": "array", "items": ref("PaperQuestion")},
        "answers": {"type": "object", "additionalProperties": ANSWER,
                    "description": "saved answers by question id (as a string key)"},
    }),
    "AnswerRequest": obj(
        {"answer": ANSWER, "seq": {"type": "integer", "minimum": 0, "maximum": 2**53 - 1,
                                   "description": "client sequence number; a save with a seq not above the "
                                                  "stored one is acknowledged but not stored"}},
        required=["answer"],
    ),
    "AnswerSaved": obj({"question_id": ID, "stored": BOOL, "seq": INT}),
    "SubmitResult": obj({"score": NUMBER, "max_score": NUMBER, "passed": BOOL, "submitted_at": TIME}),
    "AttemptSummary": obj({
        "id": ID, "sitting_id": ID, "exam_title": STRING, "number": INT, "status": STATUS,
        "started_at": TIME, "deadline": TIME, "submitted_at": nullable(TIME), "score": nullable(NUMBER),
        "max_score": NUMBER, "passed": nullable(BOOL), "counts": BOOL,
    }),
    "ReviewQuestion": obj({
        "id": ID, "position": INT, "type": QTYPE, "stem_html": STRING,
        "options": {"type": "array", "items": OPTION}, "points": NUMBER, "answer": ANSWER,
        "correct_answer": {"description": "the key; fill_blank: accepted answers per blank",
                           "anyOf": [STRING, BOOL, {"type": "array", "items": {
                               "anyOf": [STRING, {"type": "array", "items": STRING}]}}]},
        "correct": nullable(BOOL), "awarded": nullable(NUMBER), "explanation_html": STRING,
        "chapter_number": INT, "article_number": nullable(INT),
        "module_slug": {**STRING, "description": "link to the article: /modules/{module_slug}/chapters/{chapter_number}"},
    }),
    "AttemptDetail": obj({
        "id": ID, "sitting_id": ID, "exam_title": STRING, "number": INT, "status": STATUS,
        "started_at": TIME, "deadline": TIME, "submitted_at": nullable(TIME), "score": nullable(NUMBER),
        "max_score": NUMBER, "passed": nullable(BOOL), "counts": BOOL, "review_visible": BOOL,
        "questions": {**nullable({"type": "array", "items": ref("ReviewQuestion")}),
                      "description": "per-question results, only when the exam's review policy allows (else null)"},
    }),
}

PATHS = {
    "/sittings": {"get": op("listSittings", "exams", "Exam sittings open to me now",
                            {"200": ok(array("Sitting"))})},
    "/sittings/{sitting_id}/attempts": {"post": op(
        "startAttempt", "exams", "Start an attempt, or resume the one in progress",
        {"201": ok(ref("Paper"), "a new attempt"), "200": ok(ref("Paper"), "my attempt in progress"),
         "404": NOT_FOUND, "409": error("sitting not open, or no attempts left"), **BUSY},
        params=[SITTING_ID],
    )},
    "/attempts/{attempt_id}/answers/{question_id}": {"put": op(
        "saveAnswer", "exams", "Save (autosave) my answer to one question",
        {"200": ok(ref("AnswerSaved")), "404": NOT_FOUND,
         "409": error("the attempt is submitted or past its deadline; nothing saved"), **BAD_BODY, **BUSY},
        body="AnswerRequest", params=[ATTEMPT_ID, QUESTION_ID],
    )},
    "/attempts/{attempt_id}/submit": {"post": op(
        "submitAttempt", "exams", "Submit and grade; repeating it returns the same result",
        {"200": ok(ref("SubmitResult")), "404": NOT_FOUND, **BUSY}, params=[ATTEMPT_ID],
    )},
    "/attempts/{attempt_id}": {"get": op(
        "getAttempt", "exams", "An attempt: status, score, and per-question review where the review policy allows",
        {"200": ok(ref("AttemptDetail")), "404": NOT_FOUND}, params=[ATTEMPT_ID],
    )},
    "/me/attempts": {"get": op("listMyAttempts", "exams", "My attempts, newest first",
                               {"200": ok(array("AttemptSummary"))})},
}
