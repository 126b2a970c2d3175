"""Evidence attachments (佐证材料) on the score sheet and the problem page: upload, open, delete. Files live
in the shared attachment store, outside the web root; each request asks the assessment's scope check."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from ....extensions import db
from ....services import attachments as store
from ....services.assessment import access, evidence
from ....services.errors import NotFound, ServiceError
from ... import attachments as stored_files
from ...guards import managed_units
from ...outcome import committing
from .. import bp
from .common import entry_or_404, now, problem_or_404, round_or_404, zone


def _storage():
    return stored_files.directory(evidence.SETTING, evidence.DIRECTORY)


def _uploads() -> list[tuple[str, bytes]]:
    return [(item.filename or "", item.read()) for item in request.files.getlist("files") if item.filename]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/assessment/rounds/<int:assessment_id>/branches/<int:unit_id>/evidence", methods=["POST"])
def assessment_sheet_evidence(assessment_id: int, unit_id: int):
    round_or_404(assessment_id)
    entry, role = entry_or_404(assessment_id, unit_id)
    indicator_id = _int(request.form.get("indicator_id"))
    with committing("佐证材料已上传。"):
        evidence.add_score_evidence(db.session, current_user, entry, role, indicator_id, _uploads(), _storage(),
                                    now(), zone())
    return redirect(url_for(".assessment_sheet", assessment_id=assessment_id, unit_id=unit_id)
                    + (f"#indicator-{indicator_id}" if indicator_id else ""))


@bp.route("/assessment/problems/<int:problem_id>/evidence", methods=["POST"])
def assessment_problem_evidence(problem_id: int):
    problem, role = problem_or_404(problem_id)
    with committing("整改佐证材料已上传。"):
        evidence.add_problem_evidence(db.session, current_user, problem, role, _uploads(), _storage(), now())
    return redirect(url_for(".assessment_problem", problem_id=problem_id) + "#evidence")


def _evidence_or_404(evidence_id: int):
    try:
        return access.visible_evidence(db.session, current_user, managed_units(), evidence_id)
    except NotFound:
        abort(404)


def _page_of(item) -> str:
    if item.score_id is not None:
        entry = item.score.entry
        return url_for(".assessment_sheet", assessment_id=entry.round_id, unit_id=entry.unit_id) \
            + f"#indicator-{item.score.indicator_id}"
    return url_for(".assessment_problem", problem_id=item.problem_id) + "#evidence"


@bp.route("/assessment/evidence/<int:evidence_id>")
def assessment_evidence(evidence_id: int):
    item, _ = _evidence_or_404(evidence_id)
    try:
        data = store.read(item, _storage())
    except FileNotFoundError:
        abort(404)
    return stored_files.inline(item, data)


@bp.route("/assessment/evidence/<int:evidence_id>/delete", methods=["POST"])
def assessment_evidence_delete(evidence_id: int):
    item, role = _evidence_or_404(evidence_id)
    back = _page_of(item)
    try:
        path = evidence.delete_evidence(db.session, item, role, _storage(), now(), zone())
    except ServiceError as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return redirect(back)
    db.session.commit()
    path.unlink(missing_ok=True)  # after the commit: a failed commit leaves the file with its row
    flash("佐证材料已删除。", "success")
    return redirect(back)
