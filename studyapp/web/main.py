"""The home page: what is assigned to me, at a glance."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from . import nav

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("main/home.html", cards=nav.visible(nav.CARDS, current_user.role))


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
