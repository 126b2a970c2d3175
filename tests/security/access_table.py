"""The decision table of the access matrix: every endpoint of app.url_map has a rule, and each rule
says what each actor gets for an object of their own branch and of the other branch.

Actors: anonymous, member_A, member_B, organizer_A, organizer_B, admin. An actor's branch is the
letter after the underscore (the admin manages the whole organization). Outcomes:
  "ok"     2xx, or a 3xx that does not lead to the login page
  "login"  302 to /login (anonymous on a page that needs a session)
  403      logged in, wrong role
  404      another branch's object (its existence is not revealed)
  401      JSON API without a valid bearer token
"""
from __future__ import annotations

ACTORS = ("anonymous", "member_A", "member_B", "organizer_A", "organizer_B", "admin")

# Rules. "…-scope"/"own"/"visible" rules depend on whose object the URL names.
PUBLIC = "public"                  # anyone, no session needed
LOGIN = "login"                    # any logged-in user, no object
MEMBER_OWN = "member-own"          # the member's own record (attempt, round); everyone else 404
MEMBER_VISIBLE = "member-visible"  # published/assigned to the viewer's branch; other branch 404
ORGANIZER = "organizer"            # organizer/admin area page without an object
ORGANIZER_SCOPE = "organizer-scope"  # organizer of the object's branch or the admin; other organizer 404
ADMIN = "admin"                    # administrator only
API_PUBLIC = "api-public"          # JSON, no token needed
API_BEARER = "api-bearer"          # JSON, bearer token, no object
API_OWN = "api-own"                # JSON, bearer token, the member's own attempt
API_VISIBLE = "api-visible"        # JSON, bearer token, visible to the token holder's branch

RULES = {
    "static": PUBLIC, "bootstrap.static": PUBLIC, "main.healthz": PUBLIC, "auth.login": PUBLIC,
    "main.home": LOGIN, "auth.logout": LOGIN, "auth.change_password": LOGIN,
    # members' areas
    "study.modules": LOGIN, "study.me": LOGIN, "study.search": LOGIN,
    "study.module": MEMBER_VISIBLE, "study.chapter": MEMBER_VISIBLE, "study.mark_done": MEMBER_VISIBLE,
    "study.record_time": MEMBER_VISIBLE,
    "exams.index": LOGIN, "exams.records": LOGIN, "exams.start": MEMBER_VISIBLE,
    "exams.attempt": MEMBER_OWN, "exams.save": MEMBER_OWN, "exams.result": MEMBER_OWN, "exams.submit": MEMBER_OWN,
    "contests.index": LOGIN, "contests.detail": MEMBER_VISIBLE, "contests.board": MEMBER_VISIBLE,
    "contests.start": MEMBER_VISIBLE, "contests.play": MEMBER_OWN, "contests.answer": MEMBER_OWN,
    "daily.today": LOGIN, "daily.answer": LOGIN, "daily.review_next": LOGIN, "daily.review_answer": LOGIN,
    "group_study.mine": LOGIN, "group_study.sign_in": MEMBER_VISIBLE,
    "practice.index": LOGIN, "practice.start": LOGIN, "practice.run": MEMBER_OWN, "practice.feedback": MEMBER_OWN,
    "wrong_book.index": LOGIN, "wrong_book.resolve": LOGIN,
    # organizer area
    "organizer.dashboard": ORGANIZER, "organizer.contests_index": ORGANIZER, "organizer.contest_new": ORGANIZER,
    "organizer.contest_monitor": ORGANIZER_SCOPE, "organizer.contest_export": ORGANIZER_SCOPE,
    "organizer.contest_clear": ORGANIZER_SCOPE, "organizer.contest_disqualify": ORGANIZER_SCOPE,
    "organizer.exams": ORGANIZER, "organizer.new_exam": ORGANIZER,
    "organizer.exam_detail": ORGANIZER_SCOPE, "organizer.edit_exam": ORGANIZER_SCOPE,
    "organizer.plan_sittings": ORGANIZER_SCOPE, "organizer.exam_preview": ORGANIZER_SCOPE,
    "organizer.new_sitting": ORGANIZER_SCOPE, "organizer.sitting_detail": ORGANIZER_SCOPE,
    "organizer.makeup": ORGANIZER_SCOPE,
    "organizer.edit_sitting": ORGANIZER_SCOPE, "organizer.cancel_sitting": ORGANIZER_SCOPE,
    "organizer.publish_exam": ORGANIZER_SCOPE,
    "organizer.members": ORGANIZER, "organizer.member_detail": ORGANIZER_SCOPE,
    "organizer.set_active": ORGANIZER_SCOPE, "organizer.reset_password": ORGANIZER_SCOPE,
    "organizer.modules": ORGANIZER, "organizer.new_module": ORGANIZER, "organizer.preview": ORGANIZER,
    "organizer.module": ORGANIZER_SCOPE, "organizer.edit_chapter": ORGANIZER_SCOPE,
    "organizer.chapter_versions": ORGANIZER_SCOPE, "organizer.restore_version": ORGANIZER_SCOPE,
    "organizer.new_chapter": ORGANIZER_SCOPE, "organizer.completion": ORGANIZER_SCOPE,
    "organizer.publish": ORGANIZER_SCOPE, "organizer.unpublish": ORGANIZER_SCOPE,
    "organizer.question_list": ORGANIZER, "organizer.question_coverage": ORGANIZER,
    "organizer.question_export": ORGANIZER_SCOPE, "organizer.question_import": ORGANIZER,
    "organizer.question_template": ORGANIZER,
    "organizer.question_detail": ORGANIZER_SCOPE, "organizer.question_edit": ORGANIZER_SCOPE,
    "organizer.question_status": ORGANIZER_SCOPE,
    "organizer.reports_index": ORGANIZER,
    "organizer.report_articles": ORGANIZER_SCOPE, "organizer.report_items": ORGANIZER_SCOPE,
    "organizer.correct_key": ORGANIZER_SCOPE, "organizer.report_regrade": ORGANIZER_SCOPE,
    "organizer.report_transcript": ORGANIZER_SCOPE, "organizer.report_sitting": ORGANIZER_SCOPE,
    "organizer.report_chase": ORGANIZER_SCOPE, "organizer.report_distribution": ORGANIZER_SCOPE,
    "organizer.report_member": ORGANIZER_SCOPE, "organizer.report_monitor": ORGANIZER_SCOPE,
    "organizer.report_monitor_json": ORGANIZER_SCOPE, "organizer.report_scores": ORGANIZER_SCOPE,
    "organizer.sessions": ORGANIZER, "organizer.new_session": ORGANIZER,
    "organizer.session_detail": ORGANIZER_SCOPE, "organizer.session_export": ORGANIZER_SCOPE,
    "organizer.delete_session": ORGANIZER_SCOPE, "organizer.edit_session": ORGANIZER_SCOPE,
    "organizer.ledger_calendar": ORGANIZER, "organizer.ledger_chase": ORGANIZER, "organizer.ledger_export": ORGANIZER,
    "organizer.ledger_branch": ORGANIZER_SCOPE, "organizer.ledger_book": ORGANIZER_SCOPE,
    "organizer.ledger_new": ORGANIZER_SCOPE, "organizer.ledger_activity": ORGANIZER_SCOPE,
    "organizer.ledger_edit": ORGANIZER_SCOPE, "organizer.ledger_signin": ORGANIZER_SCOPE,
    "organizer.ledger_attach": ORGANIZER_SCOPE, "organizer.ledger_attachment": ORGANIZER_SCOPE,
    "organizer.ledger_delete_attachment": ORGANIZER_SCOPE,
    "ledger.mine": LOGIN, "ledger.activity": MEMBER_VISIBLE,
    # branch assessment (评估定级): rounds are organization-wide, sheets and problems per branch
    "assessment.mine": LOGIN,
    "organizer.assessment_index": ORGANIZER, "organizer.assessment_problems": ORGANIZER,
    "organizer.assessment_problems_export": ORGANIZER, "organizer.assessment_sites": ORGANIZER,
    "organizer.assessment_round": ORGANIZER, "organizer.assessment_export": ORGANIZER,
    "organizer.assessment_sheet": ORGANIZER_SCOPE, "organizer.assessment_submit": ORGANIZER_SCOPE,
    "organizer.assessment_report": ORGANIZER_SCOPE, "organizer.assessment_problem": ORGANIZER_SCOPE,
    "organizer.assessment_problem_move": ORGANIZER_SCOPE,
    "organizer.assessment_sheet_evidence": ORGANIZER_SCOPE, "organizer.assessment_problem_evidence": ORGANIZER_SCOPE,
    "organizer.assessment_evidence": ORGANIZER_SCOPE, "organizer.assessment_evidence_delete": ORGANIZER_SCOPE,
    # the higher level only (in the world: the admin); a branch organizer gets 403 for their own branch
    "organizer.assessment_problem_new": ADMIN,
    "organizer.assessment_round_new": ADMIN, "organizer.assessment_advance": ADMIN,
    "organizer.assessment_snapshot": ADMIN, "organizer.assessment_publish_members": ADMIN,
    "organizer.assessment_site_new": ADMIN, "organizer.assessment_site_revoke": ADMIN,
    "organizer.assessment_schemes": ADMIN, "organizer.assessment_scheme": ADMIN,
    "organizer.assessment_scheme_export": ADMIN, "organizer.assessment_scheme_template": ADMIN,
    # admin area
    "admin.members": ADMIN, "admin.member_detail": ADMIN, "admin.set_role": ADMIN, "admin.roster_import": ADMIN,
    "admin.roster_template": ADMIN, "admin.units": ADMIN, "admin.add_unit": ADMIN, "admin.rename_unit": ADMIN,
    # JSON API
    "api.openapi_json": API_PUBLIC, "api.create_token": API_PUBLIC, "api.revoke_token": API_BEARER,
    "api.me": API_BEARER, "api.my_attempts": API_BEARER, "api.modules": API_BEARER, "api.sittings": API_BEARER,
    "api.chapter": API_VISIBLE, "api.start": API_VISIBLE,
    "api.attempt_detail": API_OWN, "api.save": API_OWN, "api.submit": API_OWN,
    "api.change_password": API_PUBLIC, "api.refresh_token": API_BEARER, "api.home": API_BEARER,
    "api.daily_status": API_BEARER, "api.daily_today": API_BEARER, "api.daily_answer": API_BEARER,
    "api.review_next": API_BEARER, "api.review_answer": API_OWN, "api.wrong_book_list": API_BEARER,
    "api.wrong_book_resolve": API_OWN,
    "api.contests_list": API_BEARER, "api.contest_detail": API_VISIBLE, "api.contest_start": API_VISIBLE,
    "api.contest_board": API_VISIBLE, "api.round_detail": API_OWN, "api.round_current": API_OWN,
    "api.round_answer": API_OWN,
    "api.my_progress": API_BEARER, "api.group_study_list": API_BEARER, "api.group_study_sign_in": API_VISIBLE,
    "api.ledger_list": API_BEARER, "api.ledger_activity": API_VISIBLE,
    "api.assessment_results": API_BEARER,
    "api.chapter_done": API_VISIBLE, "api.chapter_time": API_VISIBLE, "api.search": API_BEARER,
    # a practice set is the member's own sealed token: another member's is a 404
    "api.practice_catalog": API_BEARER, "api.practice_start": API_BEARER, "api.practice_current": API_OWN,
    "api.practice_answer": API_OWN,
}

# GETs that write by design, each once: a repeated GET must change nothing more (checked).
GET_WRITES_ONCE = {
    "contests.play": "hands out the current question and starts its clock at the first view",
    "contests.board": "refreshes the branch-standings cache when it is stale",
    "daily.today": "draws the member's set for the day at the first view",
}

# URL parameter -> kind of world object (World.obj); endpoint-specific overrides first.
PARAM_KINDS = {
    "attempt_id": "attempt", "sitting_id": "sitting", "exam_id": "exam", "contest_id": "contest",
    "round_id": "round", "session_id": "session", "user_id": "user", "unit_id": "unit", "module_id": "module",
    "chapter_id": "chapter", "version_id": "version", "question_id": "question",
    "activity_id": "activity", "attachment_id": "attachment",
    "assessment_id": "assessment", "scheme_id": "scheme", "problem_id": "problem", "site_id": "site",
    "evidence_id": "evidence",
}
FIXED_VALUES = {
    ("static", "filename"): "css/app.css", ("bootstrap.static", "filename"): "css/bootstrap.min.css",
    ("organizer.contest_export", "fmt"): "csv", ("organizer.session_export", "fmt"): "csv",
    ("admin.roster_template", "fmt"): "csv",
}


# Query strings some pages need; ("member", key) takes the branch's object of that kind.
QUERIES = {
    "practice.start": {"kind": "random", "count": "5"},
    "organizer.question_export": {"module": ("module",)},
    "practice.run": {"s": ("token",)},
    "practice.feedback": {"s": ("token",), "a": ("practice_answer",)},
    "api.practice_current": {"token": ("token",)},
    "api.search": {"q": "支部"},
}


def actor_branch(actor: str) -> str | None:
    return actor.rsplit("_", 1)[1] if "_" in actor else None


def expected(rule: str, actor: str, branch: str | None) -> object:
    """What `actor` should get from a route of `rule` naming an object of `branch` (None: no object)."""
    role = actor.split("_")[0]
    own = branch is None or actor_branch(actor) == branch
    if rule.startswith("api-"):
        if rule == API_PUBLIC:
            return "ok"
        if role == "anonymous":
            return 401
        if rule == API_OWN:
            return "ok" if actor == f"member_{branch}" else 404
        return "ok" if own else 404
    if rule == PUBLIC:
        return "ok"
    if role == "anonymous":
        return "login"
    if rule == LOGIN:
        return "ok"
    if rule == MEMBER_OWN:
        return "ok" if actor == f"member_{branch}" else 404
    if rule == MEMBER_VISIBLE:
        # Published or assigned to a branch: the admin (of the organization unit) is not in its audience.
        return "ok" if own else 404
    if rule == ADMIN:
        return "ok" if role == "admin" else 403
    if role == "member":
        return 403
    if rule == ORGANIZER or role == "admin":
        return "ok"
    return "ok" if own else 404
