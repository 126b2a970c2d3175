"""The home page: what is assigned to me, at a glance; organizers also get their management shortcuts."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from ..extensions import db
from ..services.home import home_for
from . import nav
from .clock import now

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    data = home_for(db.session, current_user, now(), current_app.config["TIMEZONE"])
    cards = nav.visible(nav.CARDS, current_user.role)
    # Organizers' management cards first; everyone's area cards (study, practice, ...) as entries below.
    shortcuts = [card for card in cards if "member" not in card.roles]
    entries = [card for card in cards if "member" in card.roles]
    return render_template("main/home.html", home=data, shortcuts=shortcuts, entries=entries,
                           endpoints=current_app.view_functions)


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
