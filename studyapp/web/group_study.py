"""Members' group study sessions (集中学习): what I am invited to, and signing in (签到) on my phone."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..domain.signin import OPEN, signin_state
from ..extensions import db, login_manager
from ..services import group_study
from ..services.errors import Invalid, NotFound
from . import nav
from .clock import now
from .templating import local

bp = Blueprint("group_study", __name__, url_prefix="/group-study")

nav.add_nav("group_study.mine", "集中学习", order=24)
nav.add_card("group_study.mine", "集中学习", "查看集中学习安排，到场后签到", roles=("member",), order=20)


@bp.before_request
def _login_required():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def early_margin() -> timedelta:
    return timedelta(minutes=current_app.config["SIGNIN_EARLY_MINUTES"])


@bp.route("/")
def mine():
    at, early = now(), early_margin()
    items = [(study, attendance, signin_state(study.starts_at, study.ends_at, at, early))
             for study, attendance in group_study.my_sessions(db.session, current_user)]
    current = sorted((item for item in items if item[0].ends_at >= at), key=lambda item: item[0].starts_at)
    past = [item for item in items if item[0].ends_at < at]
    return render_template("group_study/mine.html", current=current, past=past, OPEN=OPEN, early=early)


@bp.route("/<int:session_id>/sign-in", methods=["POST"])
def sign_in(session_id: int):
    try:
        attendance = group_study.sign_in(db.session, current_user, session_id, now(), early_margin())
    except NotFound:
        abort(404)
    except Invalid as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".mine"))
    db.session.commit()
    flash(f"签到成功（{local(attendance.signed_in_at, '%H:%M')}）。", "success")
    return redirect(url_for(".mine"))
