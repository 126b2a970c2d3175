"""Exam use cases: definitions (organizers), sittings (organizers), attempts (members), finalization.

Re-exported here so callers (web pages, the JSON API, the CLI) import one place.
"""
from .attempts import (  # noqa: F401
    QuestionView, SaveResult, SittingOffer, SubmitResult, attempt_for_member, open_sittings_for, paper_view,
    save_answer, start_attempt, start_attempt_id, submit_attempt,
)
from .finalize import finalize_if_overdue, finalize_overdue  # noqa: F401
from .results import ResultView, ReviewItem, attempt_result, display_status, my_records  # noqa: F401
