"""What the app accepts from a request before any view sees it: numbers a database column can hold,
JSON a parser can walk. Anything else is a 400 with a Chinese message, never a 500."""
from __future__ import annotations

import json
from typing import Any

from flask import Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest

#: Ids and counts are 32-bit integer columns on PostgreSQL (and page numbers far below that).
INT_RANGE = range(-(2**31), 2**31)


class BoundedParameters(ImmutableMultiDict):
    """Query and form values: `.get(name, type=int)` refuses a number no column can hold."""

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and value not in INT_RANGE:
            raise BadRequest(f"参数 {key} 的数值超出范围")
        return value


class StudyRequest(Request):
    parameter_storage_class = BoundedParameters

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        raise BadRequest("请求体不是合法的 JSON")


class SafeJSONProvider(DefaultJSONProvider):
    """JSON nested deeper than the parser can walk is malformed input, not a crash."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON 嵌套层数过多") from None


def page_number() -> int:
    """The `page` query parameter for db.paginate, which would otherwise read it unbounded."""
    from flask import request

    return max(request.args.get("page", 1, type=int) or 1, 1)
