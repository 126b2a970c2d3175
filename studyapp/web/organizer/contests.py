"""Organizer contest pages under /manage: create a contest, monitor it (flagged rounds, live boards), export.

Scope: a contest belongs to its owner unit; organizers see contests of units they manage, others 404.
Organizers always see the live board, even while the public one is frozen.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import FloatField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from ...domain import contest_rules
from ...domain import standings as standing_rules
from ...extensions import db
from ...models.contests import ContestRound
from ...services import contests
from ...services.contests.definitions import chapter_titles
from ...services.errors import Invalid, NotFound
from ...services.exams.definitions import default_module_id
from ...services.publishing import audience_choices
from ...services.scope import usable_modules
from ..clock import now
from ..contests import branch_board
from ..downloads import table_response
from ..guards import managed_units
from ..nav import add_card, add_nav
from ..outcome import committing
from . import bp
from .content_forms import LocalDateTimeField, MultiCheckboxField

add_nav("organizer.contests_index", "竞赛管理", roles=("organizer", "admin"), order=55)
add_card("organizer.contests_index", "竞赛管理", "举办答题竞赛，复核异常成绩，导出排名", roles=("organizer", "admin"), order=55)

EXPORT_HEADERS = ["名次", "姓名", "党员编号", "支部", "答对题数", "用时（秒）", "完成时间"]


class ContestForm(FlaskForm):
    title = StringField("竞赛名称", validators=[DataRequired("请填写竞赛名称"), Length(max=200)])
    owner_unit_id = SelectField("主办组织", coerce=int)
    # The service checks the bank against the actor's scope (services.scope.usable_module), in Chinese.
    module_id = SelectField("题库（学习专题）", coerce=int, validate_choice=False)
    chapters = StringField("限定章（章号，用逗号分隔；留空为全部）")
    questions_per_round = IntegerField("每轮题数", default=10, validators=[NumberRange(1, 100, "应在1到100之间")])
    seconds_per_question = IntegerField("每题限时（秒）", default=20, validators=[NumberRange(5, 600, "应在5到600之间")])
    latency_allowance_seconds = IntegerField("网络延迟宽限（秒）", default=2, validators=[NumberRange(0, 30, "应在0到30之间")])
    opens_at = LocalDateTimeField("开始时间", validators=[DataRequired("请填写开始时间")], render_kw={"type": "datetime-local"})
    closes_at = LocalDateTimeField("结束时间", validators=[DataRequired("请填写结束时间")], render_kw={"type": "datetime-local"})
    freeze_minutes = IntegerField("结束前封榜（分钟，0为不封榜）", default=0, validators=[NumberRange(0, 1440, "应在0到1440之间")])
    max_rounds_per_member = IntegerField("每人最多轮数", default=3, validators=[NumberRange(1, 100, "应在1到100之间")])
    fast_answer_seconds = FloatField("答得过快的提示线（秒，可带小数）", default=1.5,
                                     validators=[NumberRange(0, 60, "应在0到60秒之间")])
    units = MultiCheckboxField("参赛范围", coerce=int, validators=[DataRequired("请至少选择一个参赛范围")])


def _managed(contest_id: int):
    try:
        return contests.managed_contest(db.session, contest_id, managed_units())
    except NotFound:
        abort(404)


@bp.route("/contests")
def contests_index():
    return render_template("organizer/contests/index.html",
                           contests=contests.contests_for(db.session, managed_units()), now=now())


@bp.route("/contests/new", methods=["GET", "POST"])
def contest_new():
    form = ContestForm()
    units = audience_choices(db.session, managed_units())
    form.owner_unit_id.choices = [(u.id, u.name) for u in units]
    form.units.choices = [(u.id, u.name) for u in units]
    form.module_id.choices = [(m.id, m.title) for m in usable_modules(db.session, current_user)]
    if not form.is_submitted():
        if len(units) == 1:
            form.units.data = [units[0].id]
        # Start from the organization's published bank, never an empty draft module.
        form.module_id.data = default_module_id(db.session, managed_units(), [value for value, _ in form.module_id.choices])
    error = None
    if form.validate_on_submit():
        try:
            chapters = [int(part) for part in form.chapters.data.replace("，", ",").split(",") if part.strip()]
        except ValueError:
            chapters = None
            error = "限定章应为章号，用逗号分隔，如：1,2"
        if chapters is not None:
            data = contests.ContestInput(
                title=form.title.data, owner_unit_id=form.owner_unit_id.data, module_id=form.module_id.data,
                opens_at=form.opens_at.utc, closes_at=form.closes_at.utc, audience_unit_ids=form.units.data,
                chapters=chapters, questions_per_round=form.questions_per_round.data,
                seconds_per_question=form.seconds_per_question.data,
                latency_allowance_seconds=form.latency_allowance_seconds.data,
                freeze_minutes=form.freeze_minutes.data, max_rounds_per_member=form.max_rounds_per_member.data,
                fast_answer_threshold_ms=round(form.fast_answer_seconds.data * 1000))
            try:
                contest = contests.create_contest(db.session, current_user, managed_units(), data, now())
            except Invalid as exc:
                db.session.rollback()
                error = str(exc)
            else:
                db.session.commit()
                flash("竞赛已创建。", "success")
                return redirect(url_for(".contest_monitor", contest_id=contest.id))
    status = 422 if (error or form.errors) else 200
    return render_template("organizer/contests/new.html", form=form, error=error), status


@bp.route("/contests/<int:contest_id>")
def contest_monitor(contest_id: int):
    contest = _managed(contest_id)
    moment = now()
    branches, computed_at = branch_board(contest, "live", moment)
    board = contests.leaderboard(db.session, contest, "live", limit=50)
    rounds = dict(db.session.execute(select(ContestRound.status, func.count()).where(
        ContestRound.contest_id == contest.id).group_by(ContestRound.status)).all())
    db.session.commit()
    return render_template(
        "organizer/contests/monitor.html", contest=contest, board=board, branches=branches, computed_at=computed_at,
        flagged=contests.flagged_rounds(db.session, contest), rounds=rounds, flag_labels=contest_rules.FLAG_LABELS,
        chapters=chapter_titles(db.session, contest),
        frozen=standing_rules.is_frozen(moment, contest.closes_at, contest.freeze_minutes))


@bp.route("/contests/<int:contest_id>/rounds/<int:round_id>/clear", methods=["POST"])
def contest_clear(contest_id: int, round_id: int):
    return _review(contest_id, round_id, contests.clear_round, "已确认成绩有效，计入排名。")


@bp.route("/contests/<int:contest_id>/rounds/<int:round_id>/disqualify", methods=["POST"])
def contest_disqualify(contest_id: int, round_id: int):
    return _review(contest_id, round_id, contests.disqualify_round, "已取消该轮成绩。")


def _review(contest_id: int, round_id: int, action, done: str):
    contest = _managed(contest_id)
    with committing(done, failure_category="warning"):
        action(db.session, contest, round_id, now())
    return redirect(url_for(".contest_monitor", contest_id=contest.id))


@bp.route("/contests/<int:contest_id>/export.<fmt>")
def contest_export(contest_id: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    contest = _managed(contest_id)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    # Read now, inside this request's session: a streamed body is consumed after the view returns.
    rows = [[*row[:-1], row[-1].astimezone(zone)] for row in contests.export_rows(db.session, contest)]
    return table_response(fmt, f"{contest.title}-排名", EXPORT_HEADERS, rows, sheet_title="排名")
