"""Schemes (评估方案): list with versions, import a workbook (all or nothing), export a version, detail."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ....domain import tabular
from ....domain.assessment.grading import SCALE_KINDS
from ....domain.assessment.indicators import KINDS
from ....domain.assessment.schemes import template_workbook
from ....extensions import db
from ....services.assessment import access, schemes
from ....services.errors import NotFound
from ...downloads import XLSX_MIME, attachment
from ...outcome import committing
from .. import bp
from .common import now, require_admin

MAX_UPLOAD = 2 * 1024 * 1024


@bp.route("/assessment/schemes", methods=["GET", "POST"])
def assessment_schemes():
    require_admin()
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not data:
            flash("请选择 .xlsx 文件", "danger")
        elif len(data) > MAX_UPLOAD:
            flash("文件超过 2 MB，请检查是否选错了文件", "danger")
        else:
            with committing("方案已导入。") as done:
                scheme = schemes.import_scheme(db.session, current_user, data, upload.filename or "方案.xlsx", now())
            if done:
                return redirect(url_for(".assessment_scheme", scheme_id=scheme.id))
    sittings, modules = schemes.data_sources(db.session, current_user)
    return render_template("organizer/assessment/schemes.html", sittings=sittings, modules=modules,
                           schemes=schemes.organization_schemes(db.session, current_user))


@bp.route("/assessment/schemes/template.xlsx")
def assessment_scheme_template():
    require_admin()
    response = Response(template_workbook(), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = attachment("评估方案模板.xlsx")
    return response


def _scheme(scheme_id: int):
    require_admin()
    try:
        return access.visible_scheme(db.session, current_user, scheme_id)
    except NotFound:
        abort(404)


@bp.route("/assessment/schemes/<int:scheme_id>")
def assessment_scheme(scheme_id: int):
    scheme = _scheme(scheme_id)
    return render_template("organizer/assessment/scheme.html", scheme=scheme, kinds=KINDS, scale_kinds=SCALE_KINDS)


@bp.route("/assessment/schemes/<int:scheme_id>/export.xlsx")
def assessment_scheme_export(scheme_id: int):
    scheme = _scheme(scheme_id)
    response = Response(schemes.export_scheme(scheme), mimetype=XLSX_MIME)
    name = tabular.export_filename(f"{scheme.name}-第{scheme.version}版", "xlsx")
    response.headers["Content-Disposition"] = attachment(name)
    return response
