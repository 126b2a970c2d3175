"""The branch tree: member counts, add a branch or sub-organization, rename."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...extensions import db
from ...services import units as tree
from ...services.errors import NotFound, ServiceError
from ..errors import error_response
from ..guards import managed_units
from . import bp


@bp.route("/units")
def units():
    root = tree.tree(db.session, current_user.unit_id, managed_units())
    return render_template("admin/units.html", root=root)


@bp.route("/units/<int:unit_id>/children", methods=["POST"])
def add_unit(unit_id: int):
    return _change(lambda: tree.create_unit(db.session, managed_units(), unit_id, request.form.get("name", ""),
                                             request.form.get("kind", "branch")), "已添加“{}”。")


@bp.route("/units/<int:unit_id>/name", methods=["POST"])
def rename_unit(unit_id: int):
    return _change(lambda: tree.rename_unit(db.session, managed_units(), unit_id, request.form.get("name", "")),
                   "已改名为“{}”。")


def _change(action, message: str):
    try:
        unit = action()
    except NotFound as exc:
        return error_response(404, str(exc))
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(message.format(unit.name), "success")
    return redirect(url_for("admin.units"))
