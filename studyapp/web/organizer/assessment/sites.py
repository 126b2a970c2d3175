"""示范点: the active ones with their 待复核 flags, naming one, revoking one (an explicit recorded act)."""
from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from ....extensions import db
from ....models import Unit
from ....services.assessment import demo_sites
from ...guards import managed_units
from ...outcome import committing
from .. import bp
from .common import now, require_admin, zone


@bp.route("/assessment/sites")
def assessment_sites():
    statuses = demo_sites.site_statuses(db.session, managed_units(), now(), zone())
    branches = db.session.query(Unit).filter(Unit.id.in_(managed_units()), Unit.kind == "branch") \
        .order_by(Unit.sort_order, Unit.id).all()
    return render_template("organizer/assessment/sites.html", statuses=statuses, branches=branches,
                           revoked=demo_sites.revoked_sites(db.session, managed_units()),
                           is_admin=current_user.role == "admin")


@bp.route("/assessment/sites/new", methods=["POST"])
def assessment_site_new():
    require_admin()
    try:
        named_on = date.fromisoformat(request.form.get("named_on", ""))
    except ValueError:
        named_on = None
    try:
        unit_id = int(request.form.get("unit_id", ""))
    except ValueError:
        unit_id = 0
    with committing("已命名为示范点。"):
        demo_sites.name_site(db.session, current_user, managed_units(), unit_id, named_on,
                             request.form.get("reason", ""), now())
    return redirect(url_for(".assessment_sites"))


@bp.route("/assessment/sites/<int:site_id>/revoke", methods=["POST"])
def assessment_site_revoke(site_id: int):
    require_admin()
    with committing("示范点已撤销，撤销记录已保存。"):
        demo_sites.revoke_site(db.session, current_user, managed_units(), site_id, request.form.get("reason", ""),
                               now())
    return redirect(url_for(".assessment_sites"))
