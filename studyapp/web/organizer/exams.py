"""Organizer exam pages under /manage: exams (rules or fixed list), preview, sittings, planner, make-up.

Scope: an exam belongs to its owner unit; organizers see exams of units they manage, anything else 404.
"""
from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from ...extensions import db
from ...models import Question, TYPE_LABELS
from ...models.exams import COUNTING_LABELS, REVIEW_LABELS, STATUS_LABELS
from ...services.errors import NotFound, ServiceError
from ...services.exams import definitions, sittings
from ...services.publishing import audience_choices
from ...services.scope import usable_modules
from ..clock import now
from ..guards import managed_units
from ..nav import add_card, add_nav
from . import bp
from .content_forms import LocalDateTimeField, MultiCheckboxField

add_nav("organizer.exams", "考试管理", roles=("organizer", "admin"), order=50)
add_card("organizer.exams", "考试管理", "组卷、安排场次和补考，查看各场成绩", roles=("organizer", "admin"), order=50)

MULTIPLE_LABELS = {"all_or_nothing": "全对才得分", "partial": "少选按比例得分，错选不得分"}
RULE_ROWS_SPARE = 3


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class ExamForm(FlaskForm):
    title = StringField("考试名称", validators=[DataRequired("请填写考试名称"), Length(max=200)])
    description = TextAreaField("说明（可留空）", validators=[Length(max=2000)], render_kw={"rows": 2})
    owner_unit_id = SelectField("所属组织", coerce=int)
    # The service checks the bank against the actor's scope (services.scope.usable_module), in Chinese.
    module_id = SelectField("题库（学习专题）", coerce=int, validate_choice=False)
    mode = RadioField("组卷方式", choices=[SelectChoice("blueprint", "按规则随机抽题"), SelectChoice("fixed", "固定题目")],
                      default="blueprint")
    fixed = TextAreaField("固定题目（每行一个题号，可在空格后写分值，如：q-ch1-001 2）", render_kw={"rows": 5})
    time_limit_minutes = IntegerField("考试时长（分钟）", default=30, validators=[NumberRange(1, 1440, "应在1到1440之间")])
    pass_percent = IntegerField("及格线（%）", default=60, validators=[NumberRange(0, 100, "应在0到100之间")])
    attempts_allowed = IntegerField("每场允许作答次数", default=1, validators=[NumberRange(1, 20, "应在1到20之间")])
    counting = SelectField("成绩计算", choices=_choices(COUNTING_LABELS), default="highest")
    shuffle_questions = BooleanField("每人题目顺序随机", default=True)
    shuffle_options = BooleanField("每人选项顺序随机", default=True)
    multiple_policy = SelectField("多选题计分", choices=_choices(MULTIPLE_LABELS))
    review_policy = SelectField("公布答案与解析", choices=_choices(REVIEW_LABELS), default="after_close")
    secret_bank = BooleanField("保密题库")
    status = SelectField("状态", choices=_choices(STATUS_LABELS), default="draft")


class SittingForm(FlaskForm):
    title = StringField("场次名称", validators=[DataRequired("请填写场次名称"), Length(max=200)])
    opens_at = LocalDateTimeField("开始时间", validators=[DataRequired("请填写开始时间")], render_kw={"type": "datetime-local"})
    closes_at = LocalDateTimeField("结束时间", validators=[DataRequired("请填写结束时间")], render_kw={"type": "datetime-local"})
    units = MultiCheckboxField("参加支部", coerce=int)
    usernames = TextAreaField("另外列出的党员编号（每行一个，可留空）", render_kw={"rows": 3})


class PlanForm(SittingForm):
    how = RadioField("分批方式", choices=[SelectChoice("n", "分成 N 场"), SelectChoice("k", "每场最多 K 人")], default="n")
    amount = IntegerField("N 或 K", validators=[DataRequired("请填写数字"), NumberRange(1, 100000)])


class MakeupForm(FlaskForm):
    opens_at = LocalDateTimeField("补考开始", validators=[DataRequired("请填写开始时间")], render_kw={"type": "datetime-local"})
    closes_at = LocalDateTimeField("补考结束", validators=[DataRequired("请填写结束时间")], render_kw={"type": "datetime-local"})


def _exam(exam_id: int):
    try:
        return definitions.managed_exam(db.session, exam_id, managed_units())
    except NotFound:
        abort(404)


def _sitting(sitting_id: int):
    try:
        return sittings.managed_sitting(db.session, sitting_id, managed_units())
    except NotFound:
        abort(404)


@bp.route("/exams")
def exams():
    return render_template("organizer/exams/list.html", exams=definitions.exams_for(db.session, managed_units()),
                           status_labels=STATUS_LABELS)


@bp.route("/exams/new", methods=["GET", "POST"])
def new_exam():
    return _edit(None)


@bp.route("/exams/<int:exam_id>/edit", methods=["GET", "POST"])
def edit_exam(exam_id):
    return _edit(_exam(exam_id))


def _edit(exam):
    form = ExamForm(obj=exam) if exam is not None and request.method == "GET" else ExamForm()
    form.owner_unit_id.choices = _unit_choices()
    form.module_id.choices = [SelectChoice(m.id, m.title) for m in usable_modules(db.session, current_user)]
    if exam is not None and request.method == "GET":
        keys = dict(db.session.execute(select(Question.id, Question.key).where(
            Question.id.in_([f.question_id for f in exam.fixed_questions] or [-1]))).all())
        form.fixed.data = "\n".join(f"{keys[f.question_id]} {f.points:g}" for f in exam.fixed_questions)
    rules = _rules_from_request() if request.method == "POST" else [
        {"chapter": r.chapter_number or "", "article": r.article_number or "", "qtype": r.qtype or "",
         "difficulty": r.difficulty or "", "count": r.count, "points": f"{r.points:g}"}
        for r in (exam.rules if exam else [])
    ]
    problem = None
    if form.validate_on_submit():
        try:
            data = _exam_input(form, rules)
            if exam is None:
                exam = definitions.create_exam(db.session, current_user, managed_units(), data, now())
            else:
                definitions.update_exam(db.session, exam, managed_units(), data, current_user)
            db.session.commit()
            flash("考试已保存", "success")
            if len(exam.sittings) > 1 and exam.review_policy == "immediate":
                flash("本考试有多个场次，先考的党员交卷后就能看到答案，可能传给后考的党员。", "warning")
            return redirect(url_for(".exam_detail", exam_id=exam.id))
        except (ServiceError, ValueError) as exc:
            db.session.rollback()
            problem = str(exc)
    rows = rules + [{"chapter": "", "article": "", "qtype": "", "difficulty": "", "count": "", "points": ""}
                    for _ in range(RULE_ROWS_SPARE)]
    return render_template("organizer/exams/form.html", form=form, exam=exam, rows=rows, problem=problem,
                           type_labels=TYPE_LABELS, batches=len(exam.sittings) if exam is not None else 0)


def _rules_from_request() -> list[dict]:
    f = request.form
    columns = [f.getlist(f"rule_{name}") for name in ("chapter", "article", "qtype", "difficulty", "count", "points")]
    rows = []
    for chapter, article, qtype, difficulty, count, points in zip(*columns):
        row = {"chapter": chapter.strip(), "article": article.strip(), "qtype": qtype, "difficulty": difficulty,
               "count": count.strip(), "points": points.strip()}
        if row["count"] or row["points"] or row["chapter"] or row["article"]:
            rows.append(row)
    return rows


def _number(text: str, kind, what: str):
    if text in ("", None):
        return None
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"{what}应为数字：{text}") from None


def _exam_input(form: ExamForm, rules: list[dict]) -> definitions.ExamInput:
    rule_inputs = []
    for n, row in enumerate(rules, start=1):
        rule_inputs.append(definitions.RuleInput(
            count=_number(row["count"], int, f"规则{n}题数") or 0, points=_number(row["points"], float, f"规则{n}分值") or 0,
            chapter_number=_number(row["chapter"], int, f"规则{n}章"), article_number=_number(row["article"], int, f"规则{n}条"),
            qtype=row["qtype"] or None, difficulty=_number(row["difficulty"], int, f"规则{n}难度"),
        ))
    fixed = []
    for line in (form.fixed.data or "").splitlines():
        parts = line.split()
        if parts:
            fixed.append((parts[0], _number(parts[1], float, f"{parts[0]} 的分值") if len(parts) > 1 else 1.0))
    return definitions.ExamInput(
        title=form.title.data, description=form.description.data or "", module_id=form.module_id.data,
        owner_unit_id=form.owner_unit_id.data, mode=form.mode.data, time_limit_minutes=form.time_limit_minutes.data,
        pass_percent=form.pass_percent.data, attempts_allowed=form.attempts_allowed.data, counting=form.counting.data,
        shuffle_questions=form.shuffle_questions.data, shuffle_options=form.shuffle_options.data,
        multiple_policy=form.multiple_policy.data, review_policy=form.review_policy.data,
        secret_bank=form.secret_bank.data, status=form.status.data,
        rules=rule_inputs, fixed=fixed,
    )


@bp.route("/exams/<int:exam_id>")
def exam_detail(exam_id):
    exam = _exam(exam_id)
    return render_template("organizer/exams/detail.html", exam=exam, rule_label=definitions.rule_label,
                           labels={"review": REVIEW_LABELS, "counting": COUNTING_LABELS, "status": STATUS_LABELS,
                                   "multiple": MULTIPLE_LABELS})


@bp.route("/exams/<int:exam_id>/preview")
def exam_preview(exam_id):
    exam = _exam(exam_id)
    seed = request.args.get("seed", type=int) or secrets.randbits(31)
    try:
        items, shortages = definitions.preview(db.session, exam, seed, current_user)
    except NotFound:
        abort(404)
    return render_template("organizer/exams/preview.html", exam=exam, items=items, shortages=shortages, seed=seed,
                           type_labels=TYPE_LABELS)


def _unit_choices():
    return [SelectChoice(u.id, u.name) for u in audience_choices(db.session, managed_units())]


@bp.route("/exams/<int:exam_id>/sittings/new", methods=["GET", "POST"])
def new_sitting(exam_id):
    exam = _exam(exam_id)
    form = SittingForm()
    form.units.choices = [(c.value, c.label) for c in _unit_choices()]  # MultiCheckboxField takes pairs
    problem = None
    if form.validate_on_submit():
        try:
            sitting = sittings.create_sitting(
                db.session, managed_units(), exam, form.title.data, form.opens_at.utc, form.closes_at.utc,
                unit_ids=form.units.data, usernames=(form.usernames.data or "").split(),
            )
            db.session.commit()
            flash("场次已创建", "success")
            return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
        except ServiceError as exc:
            db.session.rollback()
            problem = str(exc)
    return render_template("organizer/exams/sitting_form.html", form=form, exam=exam, problem=problem, plan=False)


@bp.route("/exams/<int:exam_id>/plan", methods=["GET", "POST"])
def plan_sittings(exam_id):
    exam = _exam(exam_id)
    form = PlanForm()
    form.units.choices = [(c.value, c.label) for c in _unit_choices()]  # MultiCheckboxField takes pairs
    problem = None
    if form.validate_on_submit():
        try:
            amount = form.amount.data
            made = sittings.plan_sittings(
                db.session, managed_units(), exam, form.units.data, form.opens_at.utc, form.closes_at.utc,
                form.title.data, n=amount if form.how.data == "n" else None, k=amount if form.how.data == "k" else None,
            )
            db.session.commit()
            flash(f"已创建 {len(made)} 个场次", "success")
            return redirect(url_for(".exam_detail", exam_id=exam.id))
        except ServiceError as exc:
            db.session.rollback()
            problem = str(exc)
    return render_template("organizer/exams/sitting_form.html", form=form, exam=exam, problem=problem, plan=True)


@bp.route("/sittings/<int:sitting_id>")
def sitting_detail(sitting_id):
    sitting = _sitting(sitting_id)
    rows = sittings.sitting_results(db.session, sitting)
    form = MakeupForm()
    return render_template("organizer/exams/sitting.html", sitting=sitting, exam=sitting.exam, rows=rows, form=form,
                           needing=sum(1 for r in rows if r.outcome in ("缺考", "不及格")))


@bp.route("/sittings/<int:sitting_id>/makeup", methods=["POST"])
def makeup(sitting_id):
    sitting = _sitting(sitting_id)
    form = MakeupForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "warning")
        return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
    try:
        made = sittings.make_up_sitting(db.session, managed_units(), sitting, form.opens_at.utc, form.closes_at.utc)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".sitting_detail", sitting_id=sitting.id))
    db.session.commit()
    flash(f"已创建补考场次，共 {len(made.members)} 人", "success")
    return redirect(url_for(".sitting_detail", sitting_id=made.id))
