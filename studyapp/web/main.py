"""The home page: what is assigned to me, at a glance; organizers also get their management shortcuts."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..extensions import db
from ..services.home import home_for
from . import nav
from .clock import now
from .templating import fixed_url

bp = Blueprint("main", __name__)


@bp.app_template_global("site_nav")
def site_nav() -> Markup:
    """This page's navigation bars (templates/_site_nav.html).

    They depend on the member's role, the entry highlighted and whether this is a management page, nothing
    else: each variant is rendered once per app and script root and reused, instead of building twenty-odd
    links on every page (it cost as much as the rest of a chapter page's template).
    """
    if not current_user.is_authenticated:
        return Markup()
    cache = current_app.extensions.setdefault("studyapp_site_nav", {})
    bar_key = (request.script_root, current_user.role, len(nav.NAV))
    bar = cache.get(bar_key)
    if bar is None:
        bar = cache[bar_key] = nav.bar(current_user.role)
    members, manage = bar
    if not members:
        return Markup()
    endpoint, path = request.endpoint, request.path
    current = nav.current(members + manage, endpoint, path, fixed_url)
    in_manage = path.startswith(("/manage", "/admin"))
    key = (*bar_key, current, endpoint == "main.home", in_manage)
    if key not in cache:
        template = current_app.jinja_env.get_template("_site_nav.html")
        html = template.render(nav_entries=members, manage_entries=manage, current_endpoint=current,
                               home=endpoint == "main.home", in_manage=in_manage)
        # Rendered by an .html template, which Flask autoescapes: safe to put into the page as it is.
        cache[key] = Markup(html)  # nosec B704
    return cache[key]


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
