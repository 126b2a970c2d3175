"""Organizer exam pages under /manage: exams (rules or fixed list), preview, publish. Sittings: sittings.py.

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
from ...models.questions import DIFFICULTY_LABELS
from ...services.errors import NotFound, ServiceError
from ...services.exams import definitions, sittings, visibility
from ...services.publishing import audience_choices
from ...services.scope import usable_modules
from ..clock import now
from ..guards import managed_units
from ..nav import add_card, add_nav
from . import bp

add_nav("organizer.exams", "考试管理", roles=("organizer", "admin"), order=50)
add_card("organizer.exams", "考试管理", "组卷、安排场次和补考，查看各场成绩", roles=("organizer", "admin"), order=50)

MULTIPLE_LABELS = {"all_or_nothing": "全对才得分", "partial": "少选按比例得分，错选不得分"}


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
    time_limit_minutes = IntegerField("考试时长（分钟）", default=30, validators=[NumberRange(1, 1440, "应在1到1440之间")])
    pass_percent = IntegerField("及格线（%）", default=60, validators=[NumberRange(0, 100, "应在0到100之间")])
    attempts_allowed = IntegerField("每场允许作答次数", default=1, validators=[NumberRange(1, 20, "应在1到20之间")])
    counting = SelectField("成绩计算", choices=_choices(COUNTING_LABELS), default="highest")
    shuffle_questions = BooleanField("每人题目顺序随机", default=True)
    shuffle_options = BooleanField("每人选项顺序随机", default=True)
    multiple_policy = SelectField("多选题计分", choices=_choices(MULTIPLE_LABELS))
    review_policy = SelectField("公布答案与解析", choices=_choices(REVIEW_LABELS), default="after_close")
    secret_bank = BooleanField("保密题库")
    # A new exam is meant to be sat: 已发布 unless the organizer says otherwise. Publishing is refused
    # (with the shortage named) while the bank cannot fill the paper, so this default cannot mislead.
    status = SelectField("状态", choices=_choices(STATUS_LABELS), default="published")


def visible_exam_or_404(exam_id: int):
    """An exam the organizer may see (their own, or their organization's, read-only)."""
    try:
        return visibility.visible_exam(db.session, exam_id, managed_units())
    except NotFound:
        abort(404)


def _owned(exam_id: int):
    """Changing an exam is for its own unit's organizers: another's visible exam is 403, an unseen one 404."""
    exam = visible_exam_or_404(exam_id)
    if exam.owner_unit_id not in managed_units():
        abort(403)
    return exam


@bp.route("/exams")
def exams():
    return render_template("organizer/exams/list.html", exams=visibility.exams_for(db.session, managed_units()),
                           status_labels=STATUS_LABELS, managed=managed_units())


@bp.route("/exams/new", methods=["GET", "POST"])
def new_exam():
    return _edit(None)


@bp.route("/exams/<int:exam_id>/edit", methods=["GET", "POST"])
def edit_exam(exam_id):
    return _edit(_owned(exam_id))


def _edit(exam):
    form = ExamForm(obj=exam) if exam is not None and request.method == "GET" else ExamForm()
    form.owner_unit_id.choices = _unit_choices()
    form.module_id.choices = [SelectChoice(m.id, m.title) for m in usable_modules(db.session, current_user)]
    if exam is None and request.method == "GET":
        form.module_id.data = definitions.default_module_id(
            db.session, managed_units(), [c.value for c in form.module_id.choices])
    fixed = _fixed_from_request() if request.method == "POST" else _stored_fixed(exam)
    rules = _rules_from_request() if request.method == "POST" else [
        {"chapter": "" if r.chapter_number is None else r.chapter_number, "article": r.article_number or "", "qtype": r.qtype or "",
         "difficulty": r.difficulty or "", "count": r.count, "points": f"{r.points:g}"}
        for r in (exam.rules if exam else [])
    ]
    problem = None
    if form.validate_on_submit():
        try:
            data = _exam_input(form, rules, fixed)
            if exam is None:
                exam = definitions.create_exam(db.session, current_user, managed_units(), data, now())
            else:
                definitions.update_exam(db.session, exam, managed_units(), data, current_user)
            db.session.commit()
            flash("考试已发布。下一步：新建场次，党员在场次开放时间内作答" if exam.status == "published"
                  else f"考试已保存（{STATUS_LABELS[exam.status]}）", "success")
            if len(exam.sittings) > 1 and exam.review_policy == "immediate":
                flash("本考试有多个场次，先考的党员交卷后就能看到答案，可能传给后考的党员。", "warning")
            return redirect(url_for(".exam_detail", exam_id=exam.id))
        except (ServiceError, ValueError) as exc:
            db.session.rollback()
            problem = str(exc)
    rows = rules or [{"chapter": "", "article": "", "qtype": "", "difficulty": "", "count": "", "points": ""}]
    return render_template("organizer/exams/form.html", form=form, exam=exam, rows=rows, problem=problem,
                           type_labels=TYPE_LABELS, difficulty_labels=DIFFICULTY_LABELS,
                           fixed_rows=fixed or [{"key": "", "points": ""}],
                           banks=definitions.bank_choices(db.session, [c.value for c in form.module_id.choices]),
                           batches=len(exam.sittings) if exam is not None else 0)


def _stored_fixed(exam) -> list[dict]:
    if exam is None:
        return []
    keys = dict(db.session.execute(select(Question.id, Question.key).where(
        Question.id.in_([f.question_id for f in exam.fixed_questions] or [-1]))).all())
    return [{"key": keys[f.question_id], "points": f"{f.points:g}"} for f in exam.fixed_questions]


def _fixed_from_request() -> list[dict]:
    """Rows of the fixed-question picker (fixed_key picked from the bank's searchable list, fixed_points)."""
    f = request.form
    rows = []
    for key, points in zip(f.getlist("fixed_key"), f.getlist("fixed_points")):
        key = key.split(" ", 1)[0].strip()  # the list shows "key 题干…"; the key comes first
        if key or points.strip():
            rows.append({"key": key, "points": points.strip()})
    return rows


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


def _exam_input(form: ExamForm, rules: list[dict], fixed_rows: list[dict]) -> definitions.ExamInput:
    rule_inputs = []
    for n, row in enumerate(rules, start=1):
        rule_inputs.append(definitions.RuleInput(
            count=_number(row["count"], int, f"规则{n}题数") or 0, points=_number(row["points"], float, f"规则{n}分值") or 0,
            chapter_number=_number(row["chapter"], int, f"规则{n}章"), article_number=_number(row["article"], int, f"规则{n}条"),
            qtype=row["qtype"] or None, difficulty=_number(row["difficulty"], int, f"规则{n}难度"),
        ))
    fixed = [(row["key"], _number(row["points"], float, f"{row['key']} 的分值") or 1.0) for row in fixed_rows
             if row["key"]]
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
    exam = visible_exam_or_404(exam_id)
    owned = exam.owner_unit_id in managed_units()
    return render_template("organizer/exams/detail.html", exam=exam, rule_label=definitions.rule_label,
                           owned=owned, sittings=sittings.visible_sittings_of(db.session, exam, managed_units()),
                           shortages=definitions.shortages(db.session, exam),
                           may_schedule=visibility.may_schedule(db.session, exam, managed_units()), moment=now(),
                           labels={"review": REVIEW_LABELS, "counting": COUNTING_LABELS, "status": STATUS_LABELS,
                                   "multiple": MULTIPLE_LABELS})


@bp.route("/exams/<int:exam_id>/publish", methods=["POST"])
def publish_exam(exam_id):
    """The one-click 发布 of a draft whose paper the bank can fill."""
    exam = _owned(exam_id)
    try:
        definitions.publish_exam(db.session, exam)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for(".exam_detail", exam_id=exam.id))
    db.session.commit()
    flash("考试已发布。下一步：新建场次，党员在场次开放时间内作答", "success")
    return redirect(url_for(".exam_detail", exam_id=exam.id))


@bp.route("/exams/<int:exam_id>/preview")
def exam_preview(exam_id):
    exam = visible_exam_or_404(exam_id)
    seed = request.args.get("seed", type=int) or secrets.randbits(31)
    try:
        items, shortages = definitions.preview(db.session, exam, seed, current_user)
    except NotFound:
        abort(404)
    return render_template("organizer/exams/preview.html", exam=exam, items=items, shortages=shortages, seed=seed,
                           type_labels=TYPE_LABELS)


def _unit_choices():
    return [SelectChoice(u.id, u.name) for u in audience_choices(db.session, managed_units())]
