"""The OpenAPI 3.0 description of API v1, written by hand next to the views it describes.

tests/web/test_api_openapi.py validates it as OpenAPI and checks every route of the blueprint is in it;
the API tests check real responses against these schemas.
"""
from __future__ import annotations

from flask import jsonify

from . import bp


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _obj(properties: dict, required=None, **extra) -> dict:
    return {"type": "object", "properties": properties, "required": list(required or properties),
            "additionalProperties": False, **extra}


STRING = {"type": "string"}
INT = {"type": "integer"}
ID = {"type": "integer", "minimum": 1}
NUMBER = {"type": "number"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset, in UTC (+00:00)"}
QTYPE = {"type": "string", "enum": ["single", "multiple", "true_false", "fill_blank"]}
ANSWER = {
    "description": 'single: "B"; multiple: ["A", "C"] (option keys; returned sorted); true_false: true/false; fill_blank: ["...", ...]; '
                   "null clears the answer",
    # OpenAPI 3.0: null is allowed by a nullable branch (a bare `nullable` beside anyOf is ignored).
    "anyOf": [{"type": "string", "nullable": True}, BOOL, {"type": "array", "items": STRING}],
}
#: One set of values for an attempt's status wherever it appears.
STATUS = {"type": "string", "enum": ["in_progress", "overdue", "submitted"],
          "description": "overdue: past the deadline, being finalized with the answers saved in time"}
OPTION = _obj({"key": STRING, "text": STRING})

KEY = {"description": "the key; multiple: sorted option keys; fill_blank: accepted answers per blank",
       "anyOf": [STRING, BOOL, {"type": "array", "items": {"anyOf": [STRING, {"type": "array", "items": STRING}]}}]}
_PQ_PROPS = {"id": ID, "type": QTYPE, "stem_html": STRING, "options": {"type": "array", "items": OPTION},
             "blanks": {"type": "integer", "minimum": 1, "description": "fill_blank only"}}
#: A question to answer in practice or review: never its key.
PRACTICE_QUESTION = _obj(_PQ_PROPS, required=["id", "type", "stem_html", "options"])
FEEDBACK = _obj({
    "question_id": ID, "correct": BOOL, "answer": ANSWER,
    "correct_answer": {**KEY, "nullable": True, "description": "null while the key is withheld"},
    "explanation_html": _nullable(STRING), "module_slug": STRING, "chapter_number": INT,
    "article_number": _nullable(INT),
})
DAILY_STATUS = _obj({
    "total": {"type": "integer", "minimum": 0, "description": "questions in today's set (0: not drawn yet)"},
    "answered": {"type": "integer", "minimum": 0}, "correct": {"type": "integer", "minimum": 0},
    "done": BOOL, "streak": {"type": "integer", "minimum": 0, "description": "days in a row"},
    "points_today": {"type": "integer", "minimum": 0}, "points_total": {"type": "integer", "minimum": 0},
})
CONTEST = _obj({"id": ID, "title": STRING, "opens_at": TIME, "closes_at": TIME,
                "questions_per_round": {"type": "integer", "minimum": 1},
                "seconds_per_question": {"type": "integer", "minimum": 1},
                "max_rounds_per_member": {"type": "integer", "minimum": 1}})
ROUND = _obj({"id": ID, "contest_id": ID, "number": {"type": "integer", "minimum": 1},
              "status": {"type": "string", "enum": ["in_progress", "finished"]}, "started_at": TIME,
              "finished_at": _nullable(TIME), "score": {"type": "integer", "minimum": 0},
              "time_used_ms": {"type": "integer", "minimum": 0}, "questions": {"type": "integer", "minimum": 0},
              "answered": {"type": "integer", "minimum": 0}})
BOARD_ROW = _obj({"rank": {"type": "integer", "minimum": 1}, "name": STRING, "branch": STRING,
                  "score": {"type": "integer", "minimum": 0}, "time_ms": {"type": "integer", "minimum": 0},
                  "mine": BOOL})

SCHEMAS = {
    "Error": _obj({"error": _obj({"code": STRING, "message": STRING})}),
    "TokenRequest": _obj({"username": {"type": "string", "minLength": 1},
                          "password": {"type": "string", "minLength": 1}}),
    "Token": _obj({"token": STRING, "expires_at": TIME}),
    "Me": _obj({"username": STRING, "name": STRING, "branch": STRING,
                "role": {"type": "string", "enum": ["member", "organizer", "admin"]}}),
    "Module": _obj({"slug": STRING, "title": STRING,
                    "chapters": {"type": "array", "items": _obj({"number": INT, "title": STRING})}}),
    "Chapter": _obj({"title": STRING, "html": STRING,
                     "articles": {"type": "array", "items": _obj({"number": _nullable(INT), "anchor": STRING})}}),
    "Sitting": _obj({"id": ID, "title": STRING, "exam_title": STRING,
                     "is_makeup": {**BOOL, "description": "a make-up sitting (补考)"},
                     "pass_percent": {"type": "integer", "minimum": 0, "maximum": 100,
                                      "description": "share of the maximum score needed to pass"},
                     "in_progress_attempt_id": {**_nullable(ID), "description": "my attempt in progress, to resume"},
                     "opens_at": TIME, "closes_at": TIME,
                     "time_limit_minutes": INT, "attempts_left": {"type": "integer", "minimum": 0}}),
    "PaperQuestion": _obj(
        {"id": ID, "type": QTYPE, "stem_html": STRING, "options": {"type": "array", "items": OPTION},
         "points": NUMBER, "blanks": {"type": "integer", "minimum": 1, "description": "fill_blank only"}},
        required=["id", "type", "stem_html", "options", "points"],
    ),
    "Paper": _obj({
        "id": ID, "deadline": TIME, "questions": {"type": "array", "items": _ref("PaperQuestion")},
        "answers": {"type": "object", "additionalProperties": ANSWER,
                    "description": "saved answers by question id (as a string key)"},
    }),
    "AnswerRequest": _obj(
        {"answer": ANSWER, "seq": {"type": "integer", "minimum": 0, "maximum": 2**53 - 1,
                                   "description": "client sequence number; a save with a seq not above the "
                                                  "stored one is acknowledged but not stored"}},
        required=["answer"],
    ),
    "AnswerSaved": _obj({"question_id": ID, "stored": BOOL, "seq": INT}),
    "SubmitResult": _obj({"score": NUMBER, "max_score": NUMBER, "passed": BOOL, "submitted_at": TIME}),
    "AttemptSummary": _obj({
        "id": ID, "sitting_id": ID, "exam_title": STRING, "number": INT, "status": STATUS,
        "started_at": TIME, "deadline": TIME, "submitted_at": _nullable(TIME), "score": _nullable(NUMBER),
        "max_score": NUMBER, "passed": _nullable(BOOL), "counts": BOOL,
    }),
    "ReviewQuestion": _obj({
        "id": ID, "position": INT, "type": QTYPE, "stem_html": STRING,
        "options": {"type": "array", "items": OPTION}, "points": NUMBER, "answer": ANSWER,
        "correct_answer": {"description": "the key; fill_blank: accepted answers per blank",
                           "anyOf": [STRING, BOOL, {"type": "array", "items": {
                               "anyOf": [STRING, {"type": "array", "items": STRING}]}}]},
        "correct": _nullable(BOOL), "awarded": _nullable(NUMBER), "explanation_html": STRING,
        "chapter_number": INT, "article_number": _nullable(INT),
        "module_slug": {**STRING, "description": "link to the article: /modules/{module_slug}/chapters/{chapter_number}"},
    }),
    "AttemptDetail": _obj({
        "id": ID, "sitting_id": ID, "exam_title": STRING, "number": INT, "status": STATUS,
        "started_at": TIME, "deadline": TIME, "submitted_at": _nullable(TIME), "score": _nullable(NUMBER),
        "max_score": NUMBER, "passed": _nullable(BOOL), "counts": BOOL, "review_visible": BOOL,
        "questions": {**_nullable({"type": "array", "items": _ref("ReviewQuestion")}),
                      "description": "per-question results, only when the exam's review policy allows (else null)"},
    }),
    "PasswordChange": _obj({
        "username": {"type": "string", "minLength": 1},
        "password": {"type": "string", "minLength": 1, "description": "the current password or the one-time code"},
        "new_password": {"type": "string", "minLength": 1,
                         "description": "the website's rules: length, not the login id, name or phone, not common"},
    }),
    "Home": _obj({
        "sittings": {"type": "array", "items": _ref("Sitting"), "description": "open to me now, soonest closing first"},
        "contests": {"type": "array", "items": _obj({"id": ID, "title": STRING, "closes_at": TIME}),
                     "description": "running contests open to me, soonest closing first"},
        "daily": DAILY_STATUS,
        "reviews_due": {"type": "integer", "minimum": 0, "description": "wrong-answer cards due for review today"},
        "modules": {"type": "array", "items": _obj({
            "slug": STRING, "title": STRING, "chapters": {"type": "integer", "minimum": 0},
            "completed": {"type": "integer", "minimum": 0}, "percent": {"type": "integer", "minimum": 0, "maximum": 100},
            "seconds": {"type": "integer", "minimum": 0, "description": "reading time credited"}})},
        "scores": {"type": "array", "items": _obj({
            "kind": {"type": "string", "enum": ["exam", "contest"]}, "title": STRING, "score": NUMBER,
            "out_of": NUMBER, "at": TIME, "passed": _nullable(BOOL)}), "description": "my latest results"},
    }),
    "DailyStatus": DAILY_STATUS,
    "PracticeQuestion": PRACTICE_QUESTION,
    "Feedback": FEEDBACK,
    "DailyToday": _obj({"status": DAILY_STATUS,
                        "position": {**_nullable({"type": "integer", "minimum": 0}),
                                     "description": "0-based position to answer next; null when the day is done"},
                        "question": {**PRACTICE_QUESTION, "nullable": True}}),
    "DailyAnswerRequest": _obj({"position": {"type": "integer", "minimum": 0}, "answer": ANSWER}),
    "DailyAnswered": _obj({"feedback": FEEDBACK, "status": DAILY_STATUS}),
    "ReviewNext": _obj({"due_today": {"type": "integer", "minimum": 0},
                        "question": {**PRACTICE_QUESTION, "nullable": True,
                                     "description": "the most overdue card; null when nothing is due now"}}),
    "ReviewAnswerRequest": _obj({"answer": ANSWER}),
    "ReviewAnswered": _obj({"feedback": FEEDBACK, "next_due": TIME, "due_today": {"type": "integer", "minimum": 0}}),
    "WrongBookEntry": _obj({
        **_PQ_PROPS, "last_answer": {**ANSWER, "description": "my last wrong answer (null: left blank)"},
        "correct_answer": KEY, "explanation_html": STRING,
        "source": {"type": "string", "enum": ["practice", "exam"]}, "wrong_count": {"type": "integer", "minimum": 1},
        "last_wrong_at": TIME, "resolved_at": _nullable(TIME), "module_slug": STRING, "chapter_number": INT,
        "article_number": _nullable(INT),
    }, required=["id", "type", "stem_html", "options", "last_answer", "correct_answer", "explanation_html", "source",
                 "wrong_count", "last_wrong_at", "resolved_at", "module_slug", "chapter_number", "article_number"]),
    "WrongBookPage": _obj({"page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1},
                           "total": {"type": "integer", "minimum": 0}, "pages": {"type": "integer", "minimum": 1},
                           "items": {"type": "array", "items": _ref("WrongBookEntry")}}),
    "Resolved": _obj({"question_id": ID, "resolved_at": TIME}),
    "GroupStudySession": _obj({
        "id": ID, "title": STRING, "starts_at": TIME, "ends_at": TIME, "place": STRING, "note": STRING,
        "chapters": {"type": "array", "items": _obj({"module_slug": STRING, "number": INT, "title": STRING})},
        "signin": {"type": "string", "enum": ["not_yet", "open", "closed"],
                   "description": "open from SIGNIN_EARLY_MINUTES before the start until the end"},
        "signed_in_at": _nullable(TIME)}),
    "SignedIn": _obj({"session_id": ID, "signed_in_at": TIME}),
    "ModuleProgress": _obj({
        "slug": STRING, "title": STRING, "chapters_total": {"type": "integer", "minimum": 0},
        "completed": {"type": "integer", "minimum": 0}, "seconds": {"type": "integer", "minimum": 0},
        "chapters": {"type": "array", "items": _obj({
            "number": INT, "title": STRING, "started_at": _nullable(TIME), "completed_at": _nullable(TIME),
            "seconds": {"type": "integer", "minimum": 0, "description": "reading time credited"}})}}),
    "Contest": CONTEST,
    "ContestDetail": _obj({**CONTEST["properties"], "rounds": {"type": "array", "items": ROUND},
                           "active_round_id": {**_nullable(ID), "description": "my round in progress"},
                           "rounds_left": {"type": "integer", "minimum": 0}}),
    "Round": ROUND,
    "RoundCurrent": _obj({"round": ROUND, "question": {**_obj({
        "position": {"type": "integer", "minimum": 1}, "total": {"type": "integer", "minimum": 1}, "type": QTYPE,
        "stem_html": STRING, "options": {"type": "array", "items": OPTION}, "deadline": TIME,
        "remaining_ms": {"type": "integer", "minimum": 0},
        "blanks": {"type": "integer", "minimum": 1, "description": "fill_blank only"},
    }, required=["position", "total", "type", "stem_html", "options", "deadline", "remaining_ms"]),
        "nullable": True, "description": "null once the round is finished"}}),
    "RoundAnswerRequest": _obj({"position": {"type": "integer", "minimum": 1}, "answer": ANSWER}),
    "RoundAnswered": _obj({"accepted": {**BOOL, "description": "false: received after countdown + allowance"},
                           "correct": {**_nullable(BOOL), "description": "null while the key is withheld"},
                           "finished": BOOL}),
    "RoundDetail": _obj({**ROUND["properties"], "settled": {
        "type": "array", "description": "questions answered or timed out, with the key where the key rule allows",
        "items": _obj({
            "position": {"type": "integer", "minimum": 1}, "type": QTYPE, "stem_html": STRING,
            "options": {"type": "array", "items": OPTION},
            "answer": {**ANSWER, "description": "mine; null: the time ran out first"}, "correct_answer": KEY,
            "correct": BOOL, "late": BOOL, "explanation_html": STRING})}}),
    "Board": _obj({
        "frozen": {**BOOL, "description": "the public board is frozen for the last minutes"},
        "participants": {"type": "integer", "minimum": 0},
        "top": {"type": "array", "items": BOARD_ROW}, "mine": {**BOARD_ROW, "nullable": True},
        "branches": {"type": "array", "items": _obj({
            "rank": {"type": "integer", "minimum": 1}, "name": STRING, "audience": {"type": "integer", "minimum": 0},
            "participants": {"type": "integer", "minimum": 0}, "mean_score": NUMBER, "mine": BOOL})},
        "branches_computed_at": TIME}),
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1}}


UNAUTHORIZED = _error("missing, invalid, expired or revoked token")
NOT_FOUND = _error("no such object, or it is not yours")
BAD_BODY = {"400": _error("body is not JSON"), "422": _error("body of the wrong shape")}
BUSY = {"503": _error("database busy; nothing was written, retry after Retry-After seconds")}
#: Any path answers 405 (with an Allow header) to a method it does not list.
NOT_ALLOWED = _error("this path does not take this method (see the Allow header)")
RATE_LIMITED = _error("too many requests; retry after Retry-After seconds")

#: Tags group operations into the named modules of generated clients.
TAGS = [
    {"name": "account", "description": "登录令牌、本人信息、修改密码"},
    {"name": "home", "description": "首页概览"},
    {"name": "study", "description": "学习模块与章节"},
    {"name": "practice", "description": "每日一练、错题复习、错题本"},
    {"name": "exams", "description": "考试场次、答卷、成绩"},
    {"name": "contests", "description": "答题竞赛：轮次、答题、排行榜"},
    {"name": "group-study", "description": "集中学习与签到"},
    {"name": "meta", "description": "本文档"},
]


def _op(op_id: str, tag: str, summary: str, responses: dict, *, secure: bool = True, body: str | None = None,
        params=()) -> dict:
    """One operation: a unique operationId and one tag name the generated client's function and module."""
    op = {"operationId": op_id, "tags": [tag], "summary": summary, "responses": {**responses, "405": NOT_ALLOWED}}
    if not secure:
        op["security"] = []
    else:
        op["responses"]["401"] = UNAUTHORIZED
    if body:
        op["requestBody"] = _body(body)
    if params:
        op["parameters"] = list(params)
    return op


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


SITTING_ID = _id("sitting_id", "sitting id")
ATTEMPT_ID = _id("attempt_id", "attempt id")
QUESTION_ID = _id("question_id", "question id")
CONTEST_ID = _id("contest_id", "contest id")
ROUND_ID = _id("round_id", "round id")

PATHS = {
    "/auth/token": {
        "post": _op("createToken", "account", "Log in: exchange username and password for a bearer token", {
            "200": _ok(_ref("Token")),
            "401": _error("wrong username or password"),
            "403": _error("code password_change_required: the account still has its initial password; "
                          "choose a password first (POST /auth/password, or on the website)"),
            "429": RATE_LIMITED,
            **BAD_BODY,
        }, secure=False, body="TokenRequest"),
        "delete": _op("revokeToken", "account", "Log out: revoke the token used for this request",
                      {"204": {"description": "revoked"}}),
    },
    "/auth/password": {"post": _op(
        "changePassword", "account",
        "Choose a new password (also the first one, with the one-time code); returns a token for it",
        {"200": _ok(_ref("Token"), "changed; every older token and web session has ended"),
         "401": _error("wrong username or password"), "422": _error("the new password breaks a rule (message says which)"),
         "400": _error("body is not JSON"), "429": RATE_LIMITED, **BUSY},
        secure=False, body="PasswordChange",
    )},
    "/auth/token/refresh": {"post": _op(
        "refreshToken", "account",
        "Trade this token for a new one with a full lifetime (API_TOKEN_HOURS); the old one ends at once",
        {"200": _ok(_ref("Token")), **BUSY},
    )},
    "/home": {"get": _op("getHome", "home", "The home page in one call: open exams, contests, daily practice, "
                                            "due reviews, study progress, latest results", {"200": _ok(_ref("Home"))})},
    "/daily": {"get": _op("getDailyStatus", "practice", "Today's practice progress, streak and points (reads only)",
                          {"200": _ok(_ref("DailyStatus"))})},
    "/daily/today": {"post": _op(
        "continueDaily", "practice",
        "Draw today's set on first use (once per day) and give the question to answer next",
        {"200": _ok(_ref("DailyToday")), "404": _error("nothing to practise yet (study a chapter first)"), **BUSY},
    )},
    "/daily/answer": {"post": _op(
        "answerDaily", "practice", "Answer today's question at `position` (in order); feedback, key and explanation",
        {"200": _ok(_ref("DailyAnswered")), "404": _error("nothing to practise, or the question was withdrawn"),
         "409": _error("not the next position, or the day is already done"), **BAD_BODY, **BUSY},
        body="DailyAnswerRequest",
    )},
    "/review": {"get": _op("nextReview", "practice", "The next wrong-answer card due for spaced review (reads only)",
                           {"200": _ok(_ref("ReviewNext"))})},
    "/review/{question_id}/answer": {"post": _op(
        "answerReview", "practice", "Answer a due review card; feedback and when it comes back",
        {"200": _ok(_ref("ReviewAnswered")), "404": _error("not due for review now, or withdrawn"),
         **BAD_BODY, **BUSY},
        body="ReviewAnswerRequest", params=[QUESTION_ID],
    )},
    "/wrong-book": {"get": _op(
        "listWrongBook", "practice", "My wrong-answer book, newest miss first, a page at a time",
        {"200": _ok(_ref("WrongBookPage")), "422": _error("page or per_page out of range")},
        params=[{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000,
                                                           "default": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50,
                                                               "default": 10}},
                {"name": "all", "in": "query", "description": "1: include resolved entries",
                 "schema": {"type": "string", "enum": ["0", "1"]}}],
    )},
    "/wrong-book/{question_id}/resolve": {"post": _op(
        "resolveWrongBookEntry", "practice", "Mark an entry as mastered (移出错题本); repeating it changes nothing",
        {"200": _ok(_ref("Resolved")), "404": _error("not in my wrong-answer book"), **BUSY}, params=[QUESTION_ID],
    )},
    "/contests": {"get": _op("listContests", "contests", "Contests running now that are open to me",
                             {"200": _ok(_array("Contest"))})},
    "/contests/{contest_id}": {"get": _op(
        "getContest", "contests", "A contest with my rounds", {"200": _ok(_ref("ContestDetail")), "404": NOT_FOUND},
        params=[CONTEST_ID])},
    "/contests/{contest_id}/rounds": {"post": _op(
        "startRound", "contests", "Start a round, or resume the one in progress",
        {"201": _ok(_ref("Round"), "a new round"), "200": _ok(_ref("Round"), "my round in progress"),
         "404": NOT_FOUND, "409": _error("not open, no rounds left, or no questions"), **BUSY}, params=[CONTEST_ID])},
    "/contests/{contest_id}/board": {"get": _op(
        "getContestBoard", "contests", "Leaderboard: top rows, my row with its rank, branch standings (reads only)",
        {"200": _ok(_ref("Board")), "404": NOT_FOUND}, params=[CONTEST_ID])},
    "/rounds/{round_id}": {"get": _op(
        "getRound", "contests", "A round of mine: status, result, and its settled questions with their keys",
        {"200": _ok(_ref("RoundDetail")), "404": NOT_FOUND}, params=[ROUND_ID])},
    "/rounds/{round_id}/current": {"post": _op(
        "currentQuestion", "contests",
        "The question to answer now: handed out (its clock starts) by the first call; null when finished",
        {"200": _ok(_ref("RoundCurrent")), "404": NOT_FOUND, **BUSY}, params=[ROUND_ID])},
    "/rounds/{round_id}/answers": {"post": _op(
        "answerRound", "contests", "Answer the question at `position`; the server's receipt time decides if it counts",
        {"200": _ok(_ref("RoundAnswered")), "404": NOT_FOUND,
         "409": _error("already answered, or the round is finished"), **BAD_BODY, **BUSY},
        body="RoundAnswerRequest", params=[ROUND_ID])},
    "/group-study": {"get": _op("listGroupStudy", "group-study", "Group study sessions I am invited to, by start",
                                {"200": _ok(_array("GroupStudySession"))})},
    "/group-study/{session_id}/sign-in": {"post": _op(
        "signInGroupStudy", "group-study", "Sign in (签到) while sign-in is open; repeating it returns the first record",
        {"200": _ok(_ref("SignedIn")), "404": _error("no such session, or I am not invited"),
         "422": _error("sign-in has not opened yet, or the session is over"), **BUSY},
        params=[_id("session_id", "group study session id")])},
    "/me/progress": {"get": _op("getMyProgress", "study", "My study progress per module and chapter (reads only)",
                                {"200": _ok(_array("ModuleProgress"))})},
    "/me": {"get": _op("getMe", "account", "The logged-in person", {"200": _ok(_ref("Me"))})},
    "/modules": {"get": _op("listModules", "study", "Study modules I may read, with their released chapters",
                            {"200": _ok(_array("Module"))})},
    "/modules/{slug}/chapters/{number}": {"get": _op(
        "getChapter", "study", "A chapter's text (sanitized HTML) and its articles (anchors #art-N)",
        {"200": _ok(_ref("Chapter")), "404": NOT_FOUND},
        params=[{"name": "slug", "in": "path", "required": True, "schema": STRING},
                {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}],
    )},
    "/sittings": {"get": _op("listSittings", "exams", "Exam sittings open to me now",
                             {"200": _ok(_array("Sitting"))})},
    "/sittings/{sitting_id}/attempts": {"post": _op(
        "startAttempt", "exams", "Start an attempt, or resume the one in progress",
        {"201": _ok(_ref("Paper"), "a new attempt"), "200": _ok(_ref("Paper"), "my attempt in progress"),
         "404": NOT_FOUND, "409": _error("sitting not open, or no attempts left"), **BUSY},
        params=[SITTING_ID],
    )},
    "/attempts/{attempt_id}/answers/{question_id}": {"put": _op(
        "saveAnswer", "exams", "Save (autosave) my answer to one question",
        {"200": _ok(_ref("AnswerSaved")), "404": NOT_FOUND,
         "409": _error("the attempt is submitted or past its deadline; nothing saved"), **BAD_BODY, **BUSY},
        body="AnswerRequest", params=[ATTEMPT_ID, QUESTION_ID],
    )},
    "/attempts/{attempt_id}/submit": {"post": _op(
        "submitAttempt", "exams", "Submit and grade; repeating it returns the same result",
        {"200": _ok(_ref("SubmitResult")), "404": NOT_FOUND, **BUSY}, params=[ATTEMPT_ID],
    )},
    "/attempts/{attempt_id}": {"get": _op(
        "getAttempt", "exams", "An attempt: status, score, and per-question review where the review policy allows",
        {"200": _ok(_ref("AttemptDetail")), "404": NOT_FOUND}, params=[ATTEMPT_ID],
    )},
    "/me/attempts": {"get": _op("listMyAttempts", "exams", "My attempts, newest first",
                                {"200": _ok(_array("AttemptSummary"))})},
    "/openapi.json": {"get": _op("getOpenapi", "meta", "This document", {"200": _ok({"type": "object"})},
                                 secure=False)},
}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "studyapp API",
            "version": "1",
            "description": "支部工作条例学习考试平台 JSON API. Errors are {\"error\": {\"code\", \"message\"}}; "
                           "timestamps are ISO 8601 in UTC.",
        },
        "servers": [{"url": "/api/v1"}],
        "tags": TAGS,
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "token from POST /auth/token"}},
        },
    }


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(document())
