"""Grading by question type: a registry of graders keyed by the type stored on the question.

A grader sees the key and the member's response, never a request. Responses have one shape per type
(the same shape the JSON API accepts):
  single      "B"
  multiple    ["A", "C"]
  true_false  true / false
  fill_blank  ["answer for blank 1", "answer for blank 2", ...]
An unanswered question has response None and scores nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .fill_in import blank_contexts, blank_is_right
from .fill_in import normalize_text  # noqa: F401  (re-exported: bank formats compare texts the same way)

ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"
MULTIPLE_POLICIES = (ALL_OR_NOTHING, PARTIAL)


class InvalidResponse(ValueError):
    """A response of the wrong shape for its question (the API answers 422)."""


@dataclass(frozen=True)
class Outcome:
    awarded: float
    correct: bool
    answered: bool


def _grade_single(key, response, points, _policy, _stem):
    correct = response == key
    return Outcome(points if correct else 0.0, correct, True)


def _grade_multiple(key, response, points, policy, _stem):
    chosen, wanted = set(response), set(key)
    if chosen == wanted:
        return Outcome(points, True, True)
    if policy == PARTIAL and chosen and chosen < wanted:
        # Partial credit: a share for each correct option picked, nothing if any wrong one is picked.
        return Outcome(round(points * len(chosen) / len(wanted), 2), False, True)
    return Outcome(0.0, False, True)


def _grade_true_false(key, response, points, _policy, _stem):
    correct = response is key
    return Outcome(points if correct else 0.0, correct, True)


def _grade_fill_blank(key, response, points, _policy, stem):
    # The stem around each blank lets the rule forgive a repeated word ("每月" for 每___).
    contexts = blank_contexts(stem, len(key))
    hits = sum(blank_is_right(accepted, given, *context) for accepted, given, context in zip(key, response, contexts))
    correct = hits == len(key)
    # Each blank is worth an equal share; a question is "correct" only when every blank is.
    return Outcome(points if correct else round(points * hits / len(key), 2), correct, True)


GRADERS: dict[str, Callable] = {
    "single": _grade_single,
    "multiple": _grade_multiple,
    "true_false": _grade_true_false,
    "fill_blank": _grade_fill_blank,
}


def grade(qtype: str, key, response, points: float, multiple_policy: str = ALL_OR_NOTHING, stem: str = "") -> Outcome:
    """Score one response against its key; unanswered scores nothing. `stem`: the Markdown the member saw."""
    if is_blank(qtype, response):
        return Outcome(0.0, False, False)
    return GRADERS[qtype](key, response, float(points), multiple_policy, stem or "")


def blank_count(qtype: str, key) -> int:
    """Blanks in a fill-in question (its key holds one accepted-answers list per blank); 0 for other types."""
    return len(key) if qtype == "fill_blank" else 0


def is_blank(qtype: str, response) -> bool:
    if response is None:
        return True
    if qtype == "multiple":
        return len(response) == 0
    if qtype == "fill_blank":
        return all(not str(item).strip() for item in response)
    if qtype == "single":
        return response == ""
    return False


def check_response(qtype: str, response, option_keys: list[str], blanks: int):
    """Return the response in canonical form, or raise InvalidResponse saying what is wrong."""
    if response is None:
        return None
    if qtype == "single":
        if not isinstance(response, str) or response not in option_keys:
            raise InvalidResponse(f"单选题的答案应为选项字母之一：{'、'.join(option_keys)}")
        return response
    if qtype == "multiple":
        if not isinstance(response, list) or not all(isinstance(item, str) for item in response):
            raise InvalidResponse("多选题的答案应为选项字母的列表")
        unknown = [item for item in response if item not in option_keys]
        if unknown or len(set(response)) != len(response):
            raise InvalidResponse(f"多选题的答案只能包含不重复的选项字母：{'、'.join(option_keys)}")
        return sorted(response)
    if qtype == "true_false":
        if not isinstance(response, bool):
            raise InvalidResponse("判断题的答案应为 true 或 false")
        return response
    if qtype == "fill_blank":
        if not isinstance(response, list) or len(response) != blanks or not all(isinstance(i, str) for i in response):
            raise InvalidResponse(f"填空题的答案应为包含{blanks}个文字的列表")
        if any(len(item) > 200 for item in response):
            raise InvalidResponse("填空答案过长（每空最多200字）")
        return response
    raise InvalidResponse(f"未知题型：{qtype}")
