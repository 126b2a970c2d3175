"""Organizer pages for study modules: list, create, edit, publish to chosen units, unpublish."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...extensions import db
from ...services import publishing
from ...services.errors import NotFound
from ..clock import now
from ..guards import managed_units
from ..nav import add_card, add_nav
from ..outcome import committing
from . import bp
from .content_forms import ModuleForm, PublishForm

add_nav("organizer.modules", "专题管理", roles=("organizer", "admin"), order=40)
add_card("organizer.modules", "专题管理", "编写学习专题和章节，定时分期发布，查看各支部学习进度",
         roles=("organizer", "admin"), order=40)


def readable(module_id: int):
    """The module if the current organizer may read it; 404 otherwise (another branch's too)."""
    try:
        return publishing.get_module(db.session, current_user, managed_units(), module_id)
    except NotFound:
        abort(404)


def editable(module_id: int):
    module = readable(module_id)
    if not publishing.can_edit(current_user, module, managed_units()):
        abort(404)
    return module


@bp.route("/modules")
def modules():
    items = publishing.readable_modules(db.session, current_user, managed_units())
    return render_template("organizer/content/modules.html", modules=items,
                           can_edit={m.id: publishing.can_edit(current_user, m, managed_units()) for m in items})


@bp.route("/modules/new", methods=["GET", "POST"])
def new_module():
    form = ModuleForm()
    if form.validate_on_submit():
        with committing("专题已创建（草稿）。请添加章节，完成后发布。") as done:
            module = publishing.create_module(db.session, current_user, managed_units(), title=form.title.data,
                                              summary=form.summary.data, order=form.order.data or 0,
                                              audience=form.audience.data, now=now())
        if done:
            return redirect(url_for(".module", module_id=module.id))
    return render_template("organizer/content/module_new.html", form=form)


@bp.route("/modules/<int:module_id>", methods=["GET", "POST"])
def module(module_id: int):
    found = readable(module_id)
    can_edit = publishing.can_edit(current_user, found, managed_units())
    form = ModuleForm(obj=found)
    if can_edit and form.validate_on_submit():
        with committing("专题信息已保存。") as done:
            publishing.update_module(db.session, current_user, found, title=form.title.data,
                                     summary=form.summary.data, order=form.order.data or 0,
                                     audience=form.audience.data, now=now())
        if done:
            return redirect(url_for(".module", module_id=found.id))
    publish_form = _publish_form(found)
    return render_template("organizer/content/module.html", module=found, form=form, can_edit=can_edit,
                           publish_form=publish_form, audience=publishing.audience_ids(db.session, found))


@bp.route("/modules/<int:module_id>/publish", methods=["POST"])
def publish(module_id: int):
    found = editable(module_id)
    form = _publish_form(found)
    if not form.validate_on_submit():
        flash("；".join(form.units.errors) or "请选择发布范围", "danger")
        return redirect(url_for(".module", module_id=found.id))
    with committing("专题已发布。"):
        publishing.publish(db.session, current_user, managed_units(), found, set(form.units.data), now())
    return redirect(url_for(".module", module_id=found.id))


@bp.route("/modules/<int:module_id>/unpublish", methods=["POST"])
def unpublish(module_id: int):
    found = editable(module_id)
    publishing.unpublish(db.session, found, now())
    db.session.commit()
    flash("专题已撤回为草稿，党员暂时看不到。", "success")
    return redirect(url_for(".module", module_id=found.id))


def _publish_form(module) -> PublishForm:
    form = PublishForm(prefix="pub")
    choices = publishing.audience_choices(db.session, managed_units())
    form.units.choices = [(unit.id, unit.name + ("（含下级全部支部）" if unit.kind == "organization" else ""))
                          for unit in choices]
    if not form.is_submitted():
        form.units.data = publishing.audience_ids(db.session, module)
        if not form.units.data and len(choices) == 1:
            form.units.data = [choices[0].id]  # an organizer's only branch: nothing to choose
    return form
