"""Organizer sitting pages under /manage: new, plan (propose staggered batches, then save), the sitting's
page (status of every member, history), edit / extend, cancel, make-up.

Seeing and changing follow services.exams.sittings: a branch organizer sees their organization's sittings
for their own members and changes only their branch's sittings.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from ...domain import exam_status, timing
from ...extensions import db
from ...models import User
from ...services.errors import Forbidden, NotFound, ServiceError
from ...services.exams import changes, planning, sittings
from ...services.publishing import audience_choices
from ..clock import now
from ..guards import managed_units
from ..localtime import parse_local, to_input
from ..templating import local
from . import bp
from .content_forms import LocalDateTimeField, MultiCheckboxField
from .exams import visible_exam_or_404


class SittingForm(FlaskForm):
    title = StringField("场次名称", validators=[DataRequired("请填写场次名称"), Length(max=200)])
    opens_at = LocalDateTimeField("开始时间", validators=[DataRequired("请填写开始时间")], render_kw={"type": "datetime-local"})
    closes_at = LocalDateTimeField("结束时间", validators=[DataRequired("请填写结束时间")], render_kw={"type": "datetime-local"})
    units = MultiCheckboxField("参加支部", coerce=int)
    usernames = TextAreaField("另外列出的党员编号（每行一个，可留空）", render_kw={"rows": 3})


class PlanForm(FlaskForm):
    title = StringField("场次名称", validators=[DataRequired("请填写场次名称"), Length(max=200)])
    units = MultiCheckboxField("参加支部", coerce=int)
    how = RadioField("分批方式", choices=[SelectChoice("n", "分成 N 场"), SelectChoice("k", "每场最多 K 人")], default="n")
    amount = IntegerField("N 或 K", validators=[DataRequired("请填写数字"), NumberRange(1, 100000, "应为1到100000")])
    opens_at = LocalDateTimeField("第一场开始时间", validators=[DataRequired("请填写开始时间")],
                                  render_kw={"type": "datetime-local"})
    length = IntegerField("每场时长（分钟）", default=60, validators=[NumberRange(1, 60 * 24 * 60, "应为1分钟以上")])
    gap = IntegerField("两场之间间隔（分钟）", default=0, validators=[NumberRange(0, 60 * 24 * 60, "不能为负")])


class MakeupForm(FlaskForm):
    opens_at = LocalDateTimeField("补考开始", validators=[DataRequired("请填写开始时间")], render_kw={"type": "datetime-local"})
    closes_at = LocalDateTimeField("补考结束", validators=[DataRequired("请填写结束时间")], render_kw={"type": "datetime-local"})


def _visible(sitting_id: int):
    try:
        return sittings.visible_sitting(db.session, sitting_id, managed_units())
    except NotFound:
        abort(404)


def _changeable(sitting_id: int):
    try:
        return sittings.managed_sitting(db.session, sitting_id, managed_units())
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def unit_choices() -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in audience_choices(db.session, managed_units())]


def preselect_only_choice(field) -> None:
    """An organizer with a single branch should not have to tick it."""
    if request.method == "GET" and not field.data and len(field.choices) == 1:
        field.data = [field.choices[0][0]]


@bp.route("/exams/<int:exam_id>/sittings/new", methods=["GET", "POST"])
def new_sitting(exam_id):
    exam = visible_exam_or_404(exam_id)
    form = SittingForm()
    form.units.choices = unit_choices()
    preselect_only_choice(form.units)
    problem = None
    if form.validate_on_submit():
        try:
            sitting = sittings.create_sitting(
                db.session, managed_units(), exam, form.title.data, form.opens_at.utc, form.closes_at.utc,
                unit_ids=form.units.data, usernames=(form.usernames.data or "").split(), actor=current_user, now=now(),
            )
            db.session.commit()
            flash("场次已创建", "success")
            return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
        except ServiceError as exc:
            db.session.rollback()
            problem = str(exc)
    return render_template("organizer/exams/sitting_form.html", form=form, exam=exam, problem=problem, mode="new")


@bp.route("/exams/<int:exam_id>/plan", methods=["GET", "POST"])
def plan_sittings(exam_id):
    """Step 1 proposes batches with staggered times (nothing saved); step 2 (save=1) saves them as edited."""
    exam = visible_exam_or_404(exam_id)
    form = PlanForm()
    form.units.choices = unit_choices()
    preselect_only_choice(form.units)
    problem, proposal = None, None
    if request.method == "POST" and request.form.get("save") and form.validate_on_submit():
        try:
            plan = _edited_plan()
            made = planning.save_plan(db.session, managed_units(), exam, form.title.data, plan,
                                      actor=current_user, now=now())
            db.session.commit()
            flash(f"已创建 {len(made)} 个场次", "success")
            return redirect(url_for(".exam_detail", exam_id=exam.id))
        except (ServiceError, ValueError) as exc:
            db.session.rollback()
            problem = str(exc)
    if form.validate_on_submit():
        try:
            amount = form.amount.data
            proposal = planning.propose(
                db.session, managed_units(), form.units.data, form.opens_at.utc, timedelta(minutes=form.length.data),
                timedelta(minutes=form.gap.data or 0), n=amount if form.how.data == "n" else None,
                k=amount if form.how.data == "k" else None)
        except ServiceError as exc:
            problem = str(exc)
    return render_template("organizer/exams/plan.html", form=form, exam=exam, problem=problem, proposal=proposal,
                           to_input=to_input)


def _edited_plan() -> list[tuple[list[int], datetime, datetime]]:
    """The proposal's rows as the organizer left them: batch_units "1,2", batch_opens, batch_closes."""
    f = request.form
    plan = []
    rows = zip(f.getlist("batch_units"), f.getlist("batch_opens"), f.getlist("batch_closes"))
    for n, (units, opens, closes) in enumerate(rows, start=1):
        try:
            unit_ids = [int(u) for u in units.split(",") if u]
            opens_at, closes_at = parse_local(opens), parse_local(closes)
        except ValueError:
            raise ValueError(f"第{n}场的时间格式应为 年-月-日 时:分") from None
        if opens_at is None or closes_at is None:
            raise ValueError(f"请填写第{n}场的开始和结束时间")
        plan.append((unit_ids, opens_at, closes_at))
    return plan


@bp.route("/sittings/<int:sitting_id>")
def sitting_detail(sitting_id):
    sitting = _visible(sitting_id)
    moment = now()
    scope = managed_units()
    rows = sittings.sitting_results(db.session, sitting, moment, scope)
    window = timing.window_state(moment, sitting.opens_at, sitting.closes_at)
    form = MakeupForm()
    return render_template(
        "organizer/exams/sitting.html", sitting=sitting, exam=sitting.exam, rows=rows, form=form, window=window,
        counts=exam_status.tally(r.outcome for r in rows),
        needing=sum(1 for r in rows if exam_status.needs_makeup(r.outcome)) if window == timing.CLOSED else 0,
        can_change=sittings.may_change(db.session, sitting, scope), history=_history(sitting),
        attempts=changes.attempts_in(db.session, sitting), timing=timing)


FIELD_LABELS = {"title": "名称", "opens_at": "开始时间", "closes_at": "结束时间", "audience": "参加范围"}
KIND_LABELS = {"created": "创建", "edited": "修改", "extended": "延长", "cancelled": "取消"}


def _history(sitting) -> list[tuple[str, str, str, str]]:
    """(when, who, what, detail) lines of the sitting's changes, in local time."""
    names = {u.id: u.name for u in db.session.query(User).filter(
        User.id.in_({c.actor_id for c in sitting.changes if c.actor_id} or {-1}))}
    lines = []
    for change in sitting.changes:
        parts = []
        for key, value in (change.detail or {}).items():
            if key in ("opens_at", "closes_at"):
                old, new = (local(datetime.fromisoformat(v)) for v in value)
                parts.append(f"{FIELD_LABELS[key]} {old} → {new}")
            elif key == "title":
                parts.append(f"名称 {value[0]} → {value[1]}")
            elif key == "audience":
                parts.append("参加范围已调整")
            elif key == "attempts" and value:
                parts.append(f"{value} 份作答中的答卷随之延长")
            elif key == "makeup_of":
                parts.append(f"“{value}”的补考")
            elif key == "count":
                parts.append(f"共 {value} 人")
        lines.append((local(change.changed_at), names.get(change.actor_id, "系统"),
                       KIND_LABELS.get(change.kind, change.kind), "；".join(parts)))
    return lines


@bp.route("/sittings/<int:sitting_id>/edit", methods=["GET", "POST"])
def edit_sitting(sitting_id):
    sitting = _changeable(sitting_id)
    moment = now()
    window = timing.window_state(moment, sitting.opens_at, sitting.closes_at)
    if sitting.cancelled_at is not None or window == timing.CLOSED:
        flash("本场已取消，不能修改" if sitting.cancelled_at else "本场已结束，不能修改；如需再考，请安排补考", "warning")
        return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
    form = SittingForm()
    form.units.choices = unit_choices()
    if request.method == "GET":
        form.title.data = sitting.title
        form.opens_at.data = to_input(sitting.opens_at)
        form.closes_at.data = to_input(sitting.closes_at)
        form.units.data = [su.unit_id for su in sitting.units]
        form.usernames.data = "\n".join(u.username for u in db.session.query(User).filter(
            User.id.in_({sm.user_id for sm in sitting.members} or {-1})).order_by(User.username))
    problem = None
    if form.validate_on_submit():
        try:
            changes.edit_sitting(db.session, current_user, managed_units(), sitting, moment,
                                 title=form.title.data, opens_at=form.opens_at.utc, closes_at=form.closes_at.utc,
                                 unit_ids=form.units.data, usernames=(form.usernames.data or "").split())
            db.session.commit()
            flash("场次已更新", "success")
            return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
        except ServiceError as exc:
            db.session.rollback()
            problem = str(exc)
    return render_template("organizer/exams/sitting_form.html", form=form, exam=sitting.exam, sitting=sitting,
                           problem=problem, mode="open" if window == timing.OPEN else "edit")


@bp.route("/sittings/<int:sitting_id>/cancel", methods=["POST"])
def cancel_sitting(sitting_id):
    sitting = _changeable(sitting_id)
    try:
        changes.cancel_sitting(db.session, current_user, sitting, now())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
    db.session.commit()
    flash("场次已取消", "success")
    return redirect(url_for(".sitting_detail", sitting_id=sitting.id))


@bp.route("/sittings/<int:sitting_id>/makeup", methods=["POST"])
def makeup(sitting_id):
    sitting = _visible(sitting_id)
    form = MakeupForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "warning")
        return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
    try:
        made = sittings.make_up_sitting(db.session, managed_units(), sitting, form.opens_at.utc, form.closes_at.utc,
                                        actor=current_user, now=now())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
    db.session.commit()
    flash(f"已创建补考场次，共 {len(made.members)} 人", "success")
    return redirect(url_for(".sitting_detail", sitting_id=made.id))
