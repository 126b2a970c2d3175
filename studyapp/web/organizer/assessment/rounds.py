"""Rounds: the list, opening one, the dashboard (distribution chart + the same data as a table), moving
steps, publishing to members, the results workbook."""
from __future__ import annotations

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ....domain import tabular
from ....domain.assessment.steps import STEP_LABELS, STEPS
from ....extensions import db
from ....services.assessment import access, demo_sites, results, rounds, schemes
from ....models import Unit
from ...downloads import XLSX_MIME, attachment
from ...guards import managed_units
from ...nav import add_card, add_nav
from ...outcome import committing
from .. import bp
from .charts import grade_bars
from .common import now, require_admin, rng, round_or_404, zone

add_nav("organizer.assessment_index", "评估定级", roles=("organizer", "admin"), order=62)
add_card("organizer.assessment_index", "评估定级", "支部自查自评、上级验收、问题整改和示范点管理",
         roles=("organizer", "admin"), order=62)


@bp.route("/assessment")
def assessment_index():
    items = rounds.rounds_for(db.session, current_user, managed_units())
    sites = demo_sites.site_statuses(db.session, managed_units(), now(), zone())
    return render_template("organizer/assessment/index.html", rounds=items, step_labels=STEP_LABELS,
                           flagged=[s for s in sites if s.needs_review], is_admin=current_user.role == "admin")


@bp.route("/assessment/rounds/new", methods=["GET", "POST"])
def assessment_round_new():
    require_admin()
    choices = schemes.organization_schemes(db.session, current_user)
    branches = db.session.query(Unit).filter(Unit.id.in_(managed_units()), Unit.kind == "branch") \
        .order_by(Unit.sort_order, Unit.id).all()
    form = request.form
    if request.method == "POST":
        data = rounds.RoundInput(
            title=form.get("title", ""), scheme_id=_int(form.get("scheme_id")) or 0,
            unit_ids={_int(v) for v in form.getlist("unit_ids") if _int(v)},
            deadlines={step: _date(form.get(f"due_{step}")) for step in STEPS},
            spotcheck_count=_int(form.get("spotcheck_count")) or 0)
        if any(form.get(f"due_{step}") and _date(form.get(f"due_{step}")) is None for step in STEPS):
            flash("截止日期格式应为 年-月-日", "danger")
        else:
            with committing("评估已开启，各支部可以开始自查自评。") as done:
                found = rounds.open_round(db.session, current_user, data, now(), zone())
            if done:
                return redirect(url_for(".assessment_round", assessment_id=found.id))
    return render_template("organizer/assessment/round_new.html", schemes=choices, branches=branches, form=form,
                           steps=STEPS, step_labels=STEP_LABELS)


@bp.route("/assessment/rounds/<int:assessment_id>")
def assessment_round(assessment_id: int):
    found = round_or_404(assessment_id)
    view = results.round_results(db.session, found, managed_units())
    is_admin = access.is_round_admin(db.session, current_user, found.organization_id)
    return render_template("organizer/assessment/round.html", round=found, view=view, bars=grade_bars(view.distribution),
                           step_labels=STEP_LABELS, steps=STEPS, is_admin=is_admin,
                           medians=view.medians())


@bp.route("/assessment/rounds/<int:assessment_id>/advance", methods=["POST"])
def assessment_advance(assessment_id: int):
    require_admin()
    found = round_or_404(assessment_id)
    with committing("已进入下一步。") as done:
        step = rounds.advance(db.session, current_user, found, request.form.get("step", ""), now(), rng())
    if done:
        flash(f"当前步骤：{STEP_LABELS[step]}", "info")
    return redirect(url_for(".assessment_round", assessment_id=assessment_id))


@bp.route("/assessment/rounds/<int:assessment_id>/snapshot", methods=["POST"])
def assessment_snapshot(assessment_id: int):
    require_admin()
    found = round_or_404(assessment_id)
    if found.step != "self":
        flash("自查自评结束后平台数据已固定，不再更新。", "danger")
    else:
        with committing("平台数据已更新。"):
            rounds.take_snapshot(db.session, found, now())
    return redirect(url_for(".assessment_round", assessment_id=assessment_id))


@bp.route("/assessment/rounds/<int:assessment_id>/members", methods=["POST"])
def assessment_publish_members(assessment_id: int):
    require_admin()
    found = round_or_404(assessment_id)
    value = request.form.get("value") == "1"
    with committing("已向党员公开评估结果。" if value else "已停止向党员公开。"):
        rounds.set_published_to_members(db.session, current_user, found, value)
    return redirect(url_for(".assessment_round", assessment_id=assessment_id))


@bp.route("/assessment/rounds/<int:assessment_id>/results.xlsx")
def assessment_export(assessment_id: int):
    found = round_or_404(assessment_id)
    view = results.round_results(db.session, found, managed_units())
    data = tabular.xlsx_book_bytes(results.export_sheets(db.session, view))
    response = Response(data, mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = attachment(tabular.export_filename(f"评估结果-{found.title}", "xlsx"))
    return response


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None

