"""The management overview: every management area an organizer or administrator can open."""
from flask import render_template
from flask_login import current_user

from .. import nav
from . import bp


@bp.route("/")
def dashboard():
    cards = [card for card in nav.visible(nav.CARDS, current_user.role) if "member" not in card.roles]
    return render_template("organizer/dashboard.html", cards=cards)
