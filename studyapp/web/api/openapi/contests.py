"""Answer contests: rounds, questions against the clock, the leaderboard."""
from __future__ import annotations

from .common import (
    ANSWER, BAD_BODY, BOOL, BUSY, CONTEST_ID, ID, KEY, NOT_FOUND, NUMBER, OPTION, QTYPE, ROUND_ID, STRING, TIME,
    array, error, nullable, obj, ok, op, ref,
)

CONTEST = obj({"id": ID, "title": STRING, "opens_at": TIME, "closes_at": TIME,
               "questions_per_round": {"type": "integer", "minimum": 1},
                "seconds_per_question": {"type": "integer", "minimum": 1},
                "max_rounds_per_member": {"type": "integer", "minimum": 1}})
ROUND = obj({"id": ID, "contest_id": ID, "number": {"type": "integer", "minimum": 1},
             "status": {"type": "string", "enum": ["in_progress", "finished"]}, "started_at": TIME,
              "finished_at": nullable(TIME), "score": {"type": "integer", "minimum": 0},
              "time_used_ms": {"type": "integer", "minimum": 0}, "questions": {"type": "integer", "minimum": 0},
              "answered": {"type": "integer", "minimum": 0}})
BOARD_ROW = obj({"rank": {"type": "integer", "minimum": 1}, "name": STRING, "branch": STRING,
                 "score": {"type": "integer", "minimum": 0}, "time_ms": {"type": "integer", "minimum": 0},
                  "mine": BOOL})

SCHEMAS = {
    "Contest": CONTEST,
    "ContestDetail": obj({**CONTEST["properties"], "rounds": {"type": "array", "items": ROUND},
                          "active_round_id": {**nullable(ID), "description": "my round in progress"},
                           "rounds_left": {"type": "integer", "minimum": 0}}),
    "Round": ROUND,
    "RoundCurrent": obj({"round": ROUND, "question": {**obj({
        "position": {"type": "integer", "minimum": 1}, "total": {"type": "integer", "minimum": 1}, "type": QTYPE,
        "stem_html": STRING, "options": {"type": "array", "items": OPTION}, "deadline": TIME,
        "remaining_ms": {"type": "integer", "minimum": 0},
        "blanks": {"type": "integer", "minimum": 1, "description": "fill_blank only"},
    }, required=["position", "total", "type", "stem_html", "options", "deadline", "remaining_ms"]),
        "nullable": True, "description": "null once the round is finished"}}),
    "RoundAnswerRequest": obj({"position": {"type": "integer", "minimum": 1}, "answer": ANSWER}),
    "RoundAnswered": obj({"accepted": {**BOOL, "description": "false: received after countdown + allowance"},
                          "correct": {**nullable(BOOL), "description": "null while the key is withheld"},
                           "finished": BOOL}),
    "RoundDetail": obj({**ROUND["properties"], "settled": {
        "type": "array", "description": "questions answered or timed out, with the key where the key rule allows",
        "items": obj({
            "position": {"type": "integer", "minimum": 1}, "type": QTYPE, "stem_html": STRING,
            "options": {"type": "array", "items": OPTION},
            "answer": {**ANSWER, "description": "mine; null: the time ran out first"}, "correct_answer": KEY,
            "correct": BOOL, "late": BOOL, "explanation_html": STRING})}}),
    "Board": obj({
        "frozen": {**BOOL, "description": "the public board is frozen for the last minutes"},
        "participants": {"type": "integer", "minimum": 0},
        "top": {"type": "array", "items": BOARD_ROW}, "mine": {**BOARD_ROW, "nullable": True},
        "branches": {"type": "array", "items": obj({
            "rank": {"type": "integer", "minimum": 1}, "name": STRING, "audience": {"type": "integer", "minimum": 0},
            "participants": {"type": "integer", "minimum": 0}, "mean_score": NUMBER, "mine": BOOL})},
        "branches_computed_at": TIME}),
}

PATHS = {
    "/contests": {"get": op("listContests", "contests", "Contests running now that are open to me",
                            {"200": ok(array("Contest"))})},
    "/contests/{contest_id}": {"get": op(
        "getContest", "contests", "A contest with my rounds", {"200": ok(ref("ContestDetail")), "404": NOT_FOUND},
        params=[CONTEST_ID])},
    "/contests/{contest_id}/rounds": {"post": op(
        "startRound", "contests", "Start a round, or resume the one in progress",
        {"201": ok(ref("Round"), "a new round"), "200": ok(ref("Round"), "my round in progress"),
         "404": NOT_FOUND, "409": error("not open, no rounds left, or no questions"), **BUSY}, params=[CONTEST_ID])},
    "/contests/{contest_id}/board": {"get": op(
        "getContestBoard", "contests", "Leaderboard: top rows, my row with its rank, branch standings (reads only)",
        {"200": ok(ref("Board")), "404": NOT_FOUND}, params=[CONTEST_ID])},
    "/rounds/{round_id}": {"get": op(
        "getRound", "contests", "A round of mine: status, result, and its settled questions with their keys",
        {"200": ok(ref("RoundDetail")), "404": NOT_FOUND}, params=[ROUND_ID])},
    "/rounds/{round_id}/current": {"post": op(
        "currentQuestion", "contests",
        "The question to answer now: handed out (its clock starts) by the first call; null when finished",
        {"200": ok(ref("RoundCurrent")), "404": NOT_FOUND, **BUSY}, params=[ROUND_ID])},
    "/rounds/{round_id}/answers": {"post": op(
        "answerRound", "contests", "Answer the question at `position`; the server's receipt time decides if it counts",
        {"200": ok(ref("RoundAnswered")), "404": NOT_FOUND,
         "409": error("already answered, or the round is finished"), **BAD_BODY, **BUSY},
        body="RoundAnswerRequest", params=[ROUND_ID])},
}
