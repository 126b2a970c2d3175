"""Administrators' member list (search, branch and role filters, paging) and role setting.

Reset password and (de)activation are the organizer pages' actions (web/organizer/members.py),
which administrators reach too; the member page here adds the role form.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ...extensions import db
from ...models import ROLE_LABELS
from ...services import accounts, units
from ...services import members as people
from ...services.errors import Invalid, NotFound
from ...services.scope import subtree, unit_tree
from ..guards import managed_units
from ..nav import add_card, add_nav
from ..requests import page_number
from . import bp

PER_PAGE = 20

add_nav("admin.members", "系统管理", roles=("admin",), order=90)
add_card("admin.members", "组织与人员", "支部架构、人员名单、名册导入、角色设置", roles=("admin",), order=90)


class RoleForm(FlaskForm):
    role = SelectField("角色", choices=[SelectChoice(code, label) for code, label in ROLE_LABELS.items()])
    # Checkboxes, not a multi-select: nobody should need to know about Ctrl-click.
    units = SelectMultipleField("管理的单位", coerce=int, validate_choice=True, widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())


def unit_options() -> list[tuple[int, str]]:
    """Every managed unit, indented by depth, for select lists."""
    root = units.tree(db.session, current_user.unit_id, managed_units())
    return [(unit.id, "　" * depth + unit.name) for unit, depth in units.flatten(root)]


def unit_choices() -> list[SelectChoice]:
    return [SelectChoice(unit_id, label) for unit_id, label in unit_options()]


@bp.route("/members")
def members():
    q = request.args.get("q", "").strip()[:64]
    role = request.args.get("role", "") if request.args.get("role") in ROLE_LABELS else ""
    unit_id = request.args.get("unit", type=int)
    scope = managed_units()
    if unit_id in scope:
        scope = subtree(unit_tree(db.session), {unit_id}) & scope
    else:
        unit_id = None
    page = db.paginate(people.member_query(scope, q, role),
                       page=page_number(), per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)
    return render_template("admin/members.html", page=page, q=q, role=role, unit_id=unit_id,
                           unit_options=unit_options(), roles=ROLE_LABELS)


@bp.route("/members/<int:user_id>")
def member_detail(user_id: int):
    person = _person(user_id)
    form = RoleForm(role=person.role, units=[scope.unit_id for scope in person.scopes] or [person.unit_id])
    form.units.choices = unit_choices()
    return render_template("organizer/member_detail.html", person=person, role_form=form,
                           scope_names=people.scope_names(db.session, person),
                           back_to_list=url_for("admin.members"))


@bp.route("/members/<int:user_id>/role", methods=["POST"])
def set_role(user_id: int):
    person = _person(user_id)
    form = RoleForm()
    form.units.choices = unit_choices()
    if not form.validate_on_submit():
        flash("请选择有效的角色和单位。", "danger")
        return redirect(url_for("admin.member_detail", user_id=person.id))
    try:
        if person.id == current_user.id:
            raise Invalid("不能修改自己的角色，请让另一位管理员操作")
        accounts.set_role(db.session, person, form.role.data, form.units.data or None)
    except Invalid as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(f"{person.name} 的角色已设为{person.role_label}。", "success")
    return redirect(url_for("admin.member_detail", user_id=person.id))


def _person(user_id: int):
    try:
        return people.managed_user(db.session, current_user, managed_units(), user_id)
    except NotFound:
        abort(404)
