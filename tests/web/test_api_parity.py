"""Parity between the website and the JSON API (issue 22, "a member can do everything the website offers
them through the API alone"): every web route a plain member may reach, found in app.url_map and judged by
the access table's rules, maps to the API operations that give the same capability, or says why it has
none. A new member route without a mapping fails here; so does a mapping to an operation the OpenAPI
document does not have, and an API operation no mapping claims."""
from __future__ import annotations

from studyapp.web.api.openapi import document
from tests.security.access_table import RULES, expected


class NoApi(str):
    """Why a member route has no API counterpart."""


#: web endpoint -> the operationIds that give a client the same capability (or NoApi: why none).
PARITY: dict[str, tuple[str, ...] | NoApi] = {
    "static": NoApi("the website's stylesheets, scripts and images"),
    "bootstrap.static": NoApi("the website's stylesheets, scripts and images"),
    "main.healthz": NoApi("the load balancer's probe, not a member's capability"),
    "auth.login": ("createToken",),
    "auth.logout": ("revokeToken",),
    "auth.change_password": ("changePassword",),
    "main.home": ("getHome",),
    "exams.index": ("listSittings",),
    "exams.records": ("listMyAttempts",),
    "exams.start": ("startAttempt",),
    # The paper with my saved answers: startAttempt resumes the attempt in progress; getAttempt after it.
    "exams.attempt": ("startAttempt", "getAttempt"),
    "exams.save": ("saveAnswer",),
    "exams.submit": ("submitAttempt",),
    "exams.result": ("getAttempt",),
    "contests.index": ("listContests",),
    "contests.detail": ("getContest",),
    "contests.start": ("startRound",),
    "contests.play": ("currentQuestion", "getRound"),
    "contests.answer": ("answerRound",),
    "contests.board": ("getContestBoard",),
    "daily.today": ("getDailyStatus", "continueDaily"),
    "daily.answer": ("answerDaily",),
    "daily.review_next": ("nextReview",),
    "daily.review_answer": ("answerReview",),
    "wrong_book.index": ("listWrongBook",),
    "wrong_book.resolve": ("resolveWrongBookEntry",),
    "group_study.mine": ("listGroupStudy",),
    "group_study.sign_in": ("signInGroupStudy",),
    "ledger.mine": ("listLedger",),
    "ledger.activity": ("getLedgerActivity",),
    "assessment.mine": ("listAssessmentResults",),
    "study.modules": ("listModules", "getMyProgress"),
    "study.module": ("listModules", "getMyProgress"),
    "study.chapter": ("getChapter", "getMyProgress"),
    "study.me": ("getMyProgress",),
    "study.mark_done": ("markChapterStudied",),
    "study.record_time": ("reportReadingTime",),
    "study.search": ("searchArticles",),
    "practice.index": ("getPracticeCatalog", "listWrongBook"),
    "practice.start": ("startPracticeSet",),
    "practice.run": ("getPracticeQuestion", "answerPracticeQuestion"),
    "practice.feedback": ("answerPracticeQuestion",),  # the feedback comes back with the answer
}

#: Operations with no web page of their own, and why.
API_ONLY = {
    "getOpenapi": "the API's own description",
    "getMe": "who the token belongs to (the website shows it in the navigation bar)",
    "refreshToken": "tokens expire; web sessions are cookies",
}


def _member_routes(app) -> set[str]:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("api.")}
    unruled = endpoints - RULES.keys()
    assert not unruled, f"routes without an access rule (tests/security/access_table.py): {sorted(unruled)}"
    return {endpoint for endpoint in endpoints if expected(RULES[endpoint], "member_A", "A") == "ok"}


def _operation_ids() -> set[str]:
    return {op["operationId"] for item in document()["paths"].values() for op in item.values()}


def _claimed() -> set[str]:
    return {op_id for ops in PARITY.values() if not isinstance(ops, NoApi) for op_id in ops}


def test_every_member_route_maps_to_api_operations_or_says_why_not(app):
    routes = _member_routes(app)
    assert routes - PARITY.keys() == set(), "new member routes: map them to operationIds (or NoApi) in PARITY"
    assert PARITY.keys() - routes == set(), "mapped routes that are no longer member routes"
    for endpoint, ops in PARITY.items():
        assert ops and isinstance(ops, (NoApi, tuple)), endpoint  # a reason, or at least one operation


def test_every_mapped_operation_is_in_the_openapi_document():
    missing = _claimed() - _operation_ids()
    assert not missing, f"mapped but not in /api/v1/openapi.json: {sorted(missing)}"


def test_every_api_operation_is_claimed_by_a_member_route_or_is_api_only():
    """The other direction: an operation added under another name than a mapping expects shows up here."""
    unclaimed = _operation_ids() - _claimed() - API_ONLY.keys()
    assert not unclaimed, f"operations no web route claims: {sorted(unclaimed)} (map them in PARITY or API_ONLY)"
    assert API_ONLY.keys() <= _operation_ids()
