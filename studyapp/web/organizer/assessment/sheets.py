"""A branch's score sheet: self-assessment by the branch organizer, review and recheck by the higher level,
each save version-checked; the printable report (A4) of the branch."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ....domain.assessment.rectification import SEVERITIES, STATUS_LABELS
from ....domain.assessment.steps import STEP_LABELS
from ....extensions import db
from ....services.assessment import access, problems, results, sheets
from ....services.errors import Conflict, Invalid, ServiceError
from ...guards import managed_units
from ...outcome import committing
from .. import bp
from .charts import standard_bars
from .common import entry_or_404, now, round_or_404, zone


def _parse(entry) -> list[sheets.ScoreInput]:
    """The form's fields score-<id>, note-<id>, version-<id>; a score that is not a number is refused."""
    items, bad = [], []
    for score in entry.scores:
        key = score.indicator_id
        if f"version-{key}" not in request.form:
            continue
        raw = request.form.get(f"score-{key}", "").strip()
        try:
            value = float(raw) if raw else None
        except ValueError:
            bad.append(f"{score.indicator.code} 的得分“{raw}”不是数字")
            continue
        try:
            version = int(request.form.get(f"version-{key}", ""))
        except ValueError:
            version = 0
        items.append(sheets.ScoreInput(key, value, request.form.get(f"note-{key}", ""), version))
    if bad:
        raise Invalid("；".join(bad))
    return items


@bp.route("/assessment/rounds/<int:assessment_id>/branches/<int:unit_id>", methods=["GET", "POST"])
def assessment_sheet(assessment_id: int, unit_id: int):
    round_or_404(assessment_id)
    entry, role = entry_or_404(assessment_id, unit_id)
    posted = {}
    if request.method == "POST":
        vetoes = [int(v) for v in request.form.getlist("veto") if v.isdigit()]
        try:
            changed = sheets.save_scores(db.session, current_user, entry, role, _parse(entry), now(), zone(),
                                         vetoes if request.form.get("has_vetoes") else None)
        except Conflict as refused:  # someone saved first: show their figures, not ours
            db.session.rollback()
            flash(str(refused), "danger")
        except ServiceError as refused:  # nothing was saved: keep what was typed, with the versions it was based on
            db.session.rollback()
            flash(str(refused), "danger")
            posted = request.form
        else:
            db.session.commit()
            flash("评分已保存。" if changed else "没有修改任何评分。", "success" if changed else "info")
            return redirect(url_for(".assessment_sheet", assessment_id=assessment_id, unit_id=unit_id))
        entry, role = entry_or_404(assessment_id, unit_id)
    view = sheets.sheet(entry, role, now(), zone())
    return render_template("organizer/assessment/sheet.html", view=view, entry=entry, round=entry.round,
                           step_labels=STEP_LABELS, history=sheets.history(db.session, entry),
                           stage_labels=sheets.STAGE_LABELS, is_reviewer=role == access.REVIEWER, posted=posted)


@bp.route("/assessment/rounds/<int:assessment_id>/branches/<int:unit_id>/submit", methods=["POST"])
def assessment_submit(assessment_id: int, unit_id: int):
    round_or_404(assessment_id)
    entry, role = entry_or_404(assessment_id, unit_id)
    stage = request.form.get("stage", "")
    labels = {"self": "自评已提交，等待上级验收。", "review": "验收已完成，扣分项已列入问题清单。", "recheck": "复检已完成。"}
    with committing(labels.get(stage, "已提交。")):
        sheets.submit(db.session, current_user, entry, role, stage, now(), zone())
    return redirect(url_for(".assessment_sheet", assessment_id=assessment_id, unit_id=unit_id))


@bp.route("/assessment/rounds/<int:assessment_id>/branches/<int:unit_id>/report")
def assessment_report(assessment_id: int, unit_id: int):
    """The printable assessment report of one branch (A4): scores, grade, standards against the median, problems."""
    found = round_or_404(assessment_id)
    entry, role = entry_or_404(assessment_id, unit_id)
    view = sheets.sheet(entry, role, now(), zone())
    everyone = results.round_results(db.session, found, {e.unit_id for e in found.entries})
    own = next(r for r in everyone.rows if r.entry.unit_id == unit_id)
    medians = everyone.medians()
    bars = standard_bars([(name, full, own.by_standard.get(name, 0), medians[name]) for name, full in everyone.standards])
    rows = problems.problem_rows(db.session, managed_units(), now(), zone(), include_closed=True, unit_ids={unit_id})
    return render_template("organizer/assessment/report.html", view=view, round=found, entry=entry, own=own,
                           bars=bars, problems=rows, severities=SEVERITIES, status_labels=STATUS_LABELS,
                           step_labels=STEP_LABELS, printed=now())
