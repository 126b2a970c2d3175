"""Per-branch study completion of a module, on screen and as .csv / .xlsx."""
from __future__ import annotations

from flask import abort, render_template, request

from ...extensions import db
from ...services import completion as completion_service
from ..downloads import table_response
from ..guards import managed_units
from ..templating import local
from . import bp
from .content import readable


@bp.route("/modules/<int:module_id>/completion")
def completion(module_id: int):
    """Counts per managed branch; ?format=csv|xlsx exports one row per person and chapter state."""
    module = readable(module_id)
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt not in ("csv", "xlsx"):
            abort(404)
        headers, rows = completion_service.member_rows(db.session, module, managed_units(), local)
        return table_response(fmt, f"学习进度-{module.title}", headers, rows, sheet_title="学习进度")
    report = completion_service.completion_report(db.session, module, managed_units())
    return render_template("organizer/content/completion.html", module=module, report=report)
