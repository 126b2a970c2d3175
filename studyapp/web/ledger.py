"""Members' view of the ledger: my attendance at my branch's activities, and what the branch held
(topic, date; minutes and decisions only where the branch publishes them)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..domain.ledger import kinds
from ..extensions import db, login_manager
from ..services.errors import NotFound
from ..services.ledger import members, scope
from . import nav
from .clock import now

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

nav.add_nav("ledger.mine", "组织生活", roles=("member",), order=25)
nav.add_card("ledger.mine", "组织生活", "查看支部三会一课等组织生活和我的参加记录", roles=("member",), order=22)


@bp.before_request
def _login_required():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.route("/")
def mine():
    lines = members.my_ledger(db.session, current_user, now())
    held, present = members.tally(lines)
    return render_template("ledger/mine.html", lines=lines, held=held, present=present, kind_labels=kinds.KINDS)


@bp.route("/<int:activity_id>")
def activity(activity_id: int):
    try:
        item = scope.member_activity(db.session, current_user, activity_id)
    except NotFound:
        abort(404)
    return render_template("ledger/activity.html", activity=item, mine=members.my_line(db.session, current_user, item),
                           kind_labels=kinds.KINDS, status_labels=kinds.STATUSES)
