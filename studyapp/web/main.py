"""The home page: what is assigned to me, at a glance; organizers also get their management shortcuts."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..services.home import home_for
from . import nav
from .clock import now

bp = Blueprint("main", __name__)


@bp.app_template_global("nav_current")
def nav_current(entries, endpoint, path):
    """The navigation entry to highlight on this page (web/nav.py decides)."""
    return nav.current(entries, endpoint, path, nav_url)


@bp.app_template_global("nav_url")
def nav_url(endpoint: str) -> str:
    """The URL of a navigation entry. Entries take no arguments, so each URL is built once per app and
    script root instead of twice per entry on every page."""
    key = (request.script_root, endpoint)
    urls = current_app.extensions.setdefault("studyapp_nav_urls", {})
    if key not in urls:
        urls[key] = url_for(endpoint)
    return urls[key]


@bp.app_template_filter("day_time")
def day_time(value) -> str:
    """A moment as a member reads a deadline: "12月10日 18:00" in the organization's time zone."""
    if value is None:
        return ""
    moment = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    moment = now()
    data = home_for(db.session, current_user, moment, current_app.config["TIMEZONE"])
    # Everyone's areas are in the navigation bar; only organizers' management areas get cards here.
    shortcuts = [card for card in nav.visible(nav.CARDS, current_user.role) if "member" not in card.roles]
    return render_template("main/home.html", home=data, shortcuts=shortcuts, endpoints=current_app.view_functions,
                           now=moment)


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
