"""Organizer pages for group study sessions (集中学习): schedule, list, attendance, export."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ...extensions import db
from ...services import group_study
from ...services.errors import NotFound
from ...services.publishing import audience_choices
from ..clock import now
from ..downloads import table_response
from ..guards import managed_units
from ..localtime import to_input
from ..nav import add_card, add_nav
from ..outcome import committing
from ..templating import local
from . import bp
from .content_forms import LocalDateTimeField, MultiCheckboxField

add_nav("organizer.sessions", "集中学习安排", roles=("organizer", "admin"), order=45)
add_card("organizer.sessions", "集中学习安排", "安排集中学习，查看各支部签到和缺席情况", roles=("organizer", "admin"),
         order=45)


class SessionForm(FlaskForm):
    title = StringField("学习主题", validators=[DataRequired("请填写学习主题"), Length(max=200)])
    starts_at = LocalDateTimeField("开始时间", validators=[DataRequired("请填写开始时间")],
                                   render_kw={"type": "datetime-local"})
    ends_at = LocalDateTimeField("结束时间", validators=[DataRequired("请填写结束时间")],
                                 render_kw={"type": "datetime-local"})
    place = StringField("地点或线上会议", validators=[Length(max=300)],
                        render_kw={"placeholder": "例如：三楼会议室，或 腾讯会议 123-456-789"})
    note = TextAreaField("说明（可留空）", validators=[Length(max=2000)], render_kw={"rows": 3})
    units = MultiCheckboxField("参加支部", coerce=int, validators=[DataRequired("请至少邀请一个支部")])
    chapters = MultiCheckboxField("学习章节", coerce=int)


def _form(study=None) -> SessionForm:
    form = SessionForm(obj=study) if study is not None and request.method == "GET" else SessionForm()
    form.units.choices = [(u.id, u.name) for u in audience_choices(db.session, managed_units())]
    form.chapters.choices = [(c.id, f"{c.module.title} · {c.title}")
                             for c in group_study.selectable_chapters(db.session, current_user, managed_units())]
    if study is not None and request.method == "GET":
        form.starts_at.data, form.ends_at.data = to_input(study.starts_at), to_input(study.ends_at)
        form.units.data = [unit.id for unit in study.units]
        form.chapters.data = [chapter.id for chapter in study.chapters]
    return form


def _session(session_id: int, editing: bool = False):
    try:
        study = group_study.get_managed_session(db.session, current_user, managed_units(), session_id)
    except NotFound:
        abort(404)
    if editing and not group_study.may_edit(study, managed_units()):
        abort(404)
    return study


@bp.route("/sessions")
def sessions():
    items = group_study.managed_sessions(db.session, current_user, managed_units())
    return render_template("organizer/group_study/list.html", sessions=items)


@bp.route("/sessions/new", methods=["GET", "POST"])
def new_session():
    return _save(None, _form())


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    study = _session(session_id, editing=True)
    return _save(study, _form(study))


def _save(study, form: SessionForm):
    if form.validate_on_submit():
        data = group_study.SessionInput(
            title=form.title.data, starts_at=form.starts_at.utc, ends_at=form.ends_at.utc, place=form.place.data,
            note=form.note.data, unit_ids=set(form.units.data or ()), chapter_ids=set(form.chapters.data or ()))
        with committing("集中学习已保存。") as done:
            saved = group_study.save_session(db.session, current_user, managed_units(), study, data, now())
        if done:
            return redirect(url_for(".session_detail", session_id=saved.id))
    return render_template("organizer/group_study/form.html", form=form, study=study)


@bp.route("/sessions/<int:session_id>")
def session_detail(session_id: int):
    study = _session(session_id)
    report = group_study.attendance_report(db.session, study, managed_units())
    return render_template("organizer/group_study/detail.html", study=study, report=report,
                           can_edit=group_study.may_edit(study, managed_units()))


@bp.route("/sessions/<int:session_id>/attendance.<fmt>")
def session_export(session_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    study = _session(session_id)
    report = group_study.attendance_report(db.session, study, managed_units())
    rows = group_study.export_rows(report, lambda when: local(when, "%Y-%m-%d %H:%M:%S"))
    stem = f"签到-{study.title}-{local(study.starts_at, '%Y%m%d')}"
    return table_response(fmt, stem, group_study.EXPORT_HEADERS, rows, sheet_title="签到")


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
def delete_session(session_id: int):
    study = _session(session_id, editing=True)
    group_study.delete_session(db.session, study)
    db.session.commit()
    flash("集中学习已删除。", "success")
    return redirect(url_for(".sessions"))
