"""Answers and keys as a person reads them ("B. 五人", "正确", "三（或 3）"), for feedback and review pages."""
from __future__ import annotations

TRUE_FALSE_LABELS = {True: "正确", False: "错误"}
NO_ANSWER = "未作答"


def _option(key: str, options: list[dict]) -> str:
    text = next((item.get("text", "") for item in options if item.get("key") == key), "")
    return f"{key}. {text}" if text else key


def describe_response(qtype: str, response, options: list[dict]) -> str:
    """What the member answered, in words."""
    if response is None or response == "" or response == []:
        return NO_ANSWER
    if qtype == "single":
        return _option(response, options)
    if qtype == "multiple":
        return "；".join(_option(key, options) for key in response)
    if qtype == "true_false":
        return TRUE_FALSE_LABELS.get(response, str(response))
    if qtype == "fill_blank":
        if all(not str(item).strip() for item in response):
            return NO_ANSWER
        return "；".join(f"第{i}空：{item or '（空）'}" for i, item in enumerate(response, 1))
    return str(response)


def describe_key(qtype: str, key, options: list[dict]) -> str:
    """The correct answer, in words; a fill-in blank lists every accepted wording."""
    if qtype == "fill_blank":
        parts = []
        for i, accepted in enumerate(key, 1):
            first, *others = accepted
            alternatives = f"（或 {'、'.join(others)}）" if others else ""
            parts.append(f"第{i}空：{first}{alternatives}" if len(key) > 1 else f"{first}{alternatives}")
        return "；".join(parts)
    return describe_response(qtype, key, options)
