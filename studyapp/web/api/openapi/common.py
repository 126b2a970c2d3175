"""What every part of the API description shares: schema building blocks, responses, the operation helper."""
from __future__ import annotations

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}

def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}

def obj(properties: dict, required=None, **extra) -> dict:
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
OPTION = obj({"key": STRING, "text": STRING})
KEY = {"description": "the key; multiple: sorted option keys; fill_blank: accepted answers per blank",
       "anyOf": [STRING, BOOL, {"type": "array", "items": {"anyOf": [STRING, {"type": "array", "items": STRING}]}}]}
DAILY_STATUS = obj({
    "total": {"type": "integer", "minimum": 0, "description": "questions in today's set (0: not drawn yet)"},
    "answered": {"type": "integer", "minimum": 0}, "correct": {"type": "integer", "minimum": 0},
    "done": BOOL, "streak": {"type": "integer", "minimum": 0, "description": "days in a row"},
    "points_today": {"type": "integer", "minimum": 0}, "points_total": {"type": "integer", "minimum": 0},
})

def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}

def ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}

def request_body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}

def path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1}}

UNAUTHORIZED = error("missing, invalid, expired or revoked token")
NOT_FOUND = error("no such object, or it is not yours")
BAD_BODY = {"400": error("body is not JSON"), "422": error("body of the wrong shape")}
BUSY = {"503": error("database busy; nothing was written, retry after Retry-After seconds")}
#: Any path answers 405 (with an Allow header) to a method it does not list.
NOT_ALLOWED = error("this path does not take this method (see the Allow header)")
RATE_LIMITED = error("too many requests; retry after Retry-After seconds")


def op(op_id: str, tag: str, summary: str, responses: dict, *, secure: bool = True, body: str | None = None,
       params=()) -> dict:
    """One operation: a unique operationId and one tag name the generated client's function and module."""
    op = {"operationId": op_id, "tags": [tag], "summary": summary, "responses": {**responses, "405": NOT_ALLOWED}}
    if not secure:
        op["security"] = []
    else:
        op["responses"]["401"] = UNAUTHORIZED
    if body:
        op["requestBody"] = request_body(body)
    if params:
        op["parameters"] = list(params)
    return op

def array(name: str) -> dict:
    return {"type": "array", "items": ref(name)}

SITTING_ID = path_id("sitting_id", "sitting id")
ATTEMPT_ID = path_id("attempt_id", "attempt id")
QUESTION_ID = path_id("question_id", "question id")
CONTEST_ID = path_id("contest_id", "contest id")
ROUND_ID = path_id("round_id", "round id")

#: Schemas every module's operations use.
SCHEMAS = {
    "Error": obj({"error": obj({"code": STRING, "message": STRING})}),
}
