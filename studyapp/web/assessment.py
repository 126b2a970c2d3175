"""Members' view of branch assessment: their branch's grade, only once an administrator publishes it."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..extensions import db, login_manager
from ..services.assessment import results
from . import nav

bp = Blueprint("assessment", __name__, url_prefix="/assessment")

nav.add_nav("assessment.mine", "支部评估", roles=("member",), order=90)


@bp.before_request
def _login_required():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.route("/")
def mine():
    return render_template("assessment/mine.html", results=results.published_for_member(db.session, current_user))
