"""The problem ledger (问题清单 / 整改台账): all open problems by branch and age with a chase text, one
problem's answer and status moves, adding a finding, the .xlsx export."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ....domain.assessment.rectification import SEVERITIES, SOURCES, STATUS_LABELS, TRANSITIONS
from ....extensions import db
from ....models import Unit
from ....services.assessment import access, evidence, problems
from ...downloads import xlsx_response
from ...guards import managed_units
from ...outcome import committing
from ...templating import local
from .. import bp
from .common import now, problem_or_404, zone


@bp.route("/assessment/problems")
def assessment_problems():
    show_closed = request.args.get("all") == "1"
    rows = problems.problem_rows(db.session, managed_units(), now(), zone(), include_closed=show_closed)
    return render_template("organizer/assessment/problems.html", rows=rows, chase=problems.chase_text(rows),
                           severities=SEVERITIES, show_closed=show_closed)


@bp.route("/assessment/problems.xlsx")
def assessment_problems_export():
    rows = problems.problem_rows(db.session, managed_units(), now(), zone(), include_closed=True)
    return xlsx_response("整改台账", problems.EXPORT_HEADERS, problems.export_rows(rows, local), sheet_title="整改台账")


@bp.route("/assessment/problems/<int:problem_id>", methods=["GET", "POST"])
def assessment_problem(problem_id: int):
    problem, role = problem_or_404(problem_id)
    if request.method == "POST":
        deadline = _date(request.form.get("deadline"))
        with committing("整改措施已保存。") as done:
            problems.answer(db.session, current_user, problem, role, request.form.get("measures", ""),
                            request.form.get("responsible", ""), deadline, now(), zone())
        if done:
            return redirect(url_for(".assessment_problem", problem_id=problem_id))
    moves = [(target, STATUS_LABELS[target]) for (current, target), who in TRANSITIONS.items()
             if current == problem.status and (who == role or role == access.REVIEWER)]
    row = problems.ProblemRow(problem, problems.rules.shown_status(problem.status, problem.deadline, now(), zone()),
                              problems.rules.age_days(problem.created_at, now(), zone()))
    return render_template("organizer/assessment/problem.html", row=row, problem=problem, role=role, moves=moves,
                           severities=SEVERITIES, sources=SOURCES, form=request.form,
                           may_change_evidence=evidence.may_change_problem_evidence(problem, role))


@bp.route("/assessment/problems/<int:problem_id>/move", methods=["POST"])
def assessment_problem_move(problem_id: int):
    problem, role = problem_or_404(problem_id)
    target = request.form.get("target", "")
    labels = {"in_progress": "已退回整改。", "awaiting": "已报告整改完成，等待上级验收。", "closed": "已销号。"}
    with committing(labels.get(target, "状态已更新。")):
        problems.move(db.session, current_user, problem, role, request.form.get("current", ""), target, now(),
                      request.form.get("result", ""))
    return redirect(url_for(".assessment_problem", problem_id=problem_id))


@bp.route("/assessment/units/<int:unit_id>/problems/new", methods=["GET", "POST"])
def assessment_problem_new(unit_id: int):
    """A finding recorded by the higher level (e.g. from an inspection); branch organizers get 403."""
    if access.role_for(current_user, unit_id, managed_units()) != access.REVIEWER:
        abort(403)
    unit = db.session.get(Unit, unit_id)
    if request.method == "POST":
        data = problems.ProblemInput(request.form.get("description", ""), request.form.get("severity", ""))
        with committing("问题已列入清单，等待支部制定整改措施。") as done:
            problem = problems.add_problem(db.session, current_user, managed_units(), unit_id, data, now())
        if done:
            return redirect(url_for(".assessment_problem", problem_id=problem.id))
    return render_template("organizer/assessment/problem_new.html", unit=unit, severities=SEVERITIES,
                           form=request.form)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
