"""Organizers' member management: their branches' people; reset password, deactivate, reactivate.

Administrators use these pages too (their scope is their whole organization); the admin member pages
post their reset and activation forms here, so these rules live in one place.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...extensions import db
from ...services import accounts
from ...services import members as people
from ...services.errors import Forbidden, Invalid, NotFound
from ..forms import safe_next
from ..guards import managed_units
from ..nav import add_card, add_nav
from ..requests import page_number
from . import bp

PER_PAGE = 20

add_nav("organizer.members", "党员名单", roles=("organizer", "admin"), order=70)
add_card("organizer.members", "党员名单", "查看本支部党员，重置密码、停用账号", roles=("organizer",), order=70)


@bp.route("/members")
def members():
    q = request.args.get("q", "").strip()[:64]
    page = db.paginate(people.member_query(managed_units(), q),
                       page=page_number(), per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
    return render_template("organizer/members.html", page=page, q=q)


@bp.route("/members/<int:user_id>")
def member_detail(user_id: int):
    person = _person(user_id)
    return render_template("organizer/member_detail.html", person=person, role_form=None,
                           scope_names=people.scope_names(db.session, person))


@bp.route("/members/<int:user_id>/reset-password", methods=["POST"])
def reset_password(user_id: int):
    """Show the new one-time code on this response only: it is not stored in clear anywhere."""
    person = _person(user_id)
    back = _back(person)
    try:
        people.ensure_can_act_on(current_user, person)
    except (Invalid, Forbidden) as exc:
        flash(str(exc), "danger")
        return redirect(back)
    code = accounts.reset_password(db.session, person)
    db.session.commit()
    return render_template("organizer/password_reset.html", person=person, code=code, back=back)


@bp.route("/members/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    person = _person(user_id)
    active = request.form.get("active") == "1"
    try:
        people.ensure_can_act_on(current_user, person)
    except (Invalid, Forbidden) as exc:
        flash(str(exc), "danger")
    else:
        accounts.set_active(db.session, person, active)
        db.session.commit()
        flash(f"已{'启用' if active else '停用'} {person.name}（{person.username}）的账号。", "success")
    return redirect(_back(person))


def _person(user_id: int):
    try:
        return people.managed_user(db.session, current_user, managed_units(), user_id)
    except NotFound:
        abort(404)


def _back(person) -> str:
    return safe_next(request.form.get("next"), url_for("organizer.member_detail", user_id=person.id))
