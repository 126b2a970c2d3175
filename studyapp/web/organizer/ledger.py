"""Organizer pages of the organizational-life ledger (三会一课台账): the calendar of all managed branches,
a branch's year, recording activities with attendance, sign-in windows, attachments, exports."""
from __future__ import annotations

from functools import lru_cache

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ...domain import tabular
from ...domain.ledger import kinds
from ...domain.ledger.compliance import STATE_LABELS
from ...domain.ledger.periods import YEAR, Period
from ...domain.ledger.rules import ORGANIZATION_SETTINGS, RULES
from ...extensions import db
from ...services.errors import NotFound
from ...services.ledger import activities, attachments, calendar, exports, scope, signin
from ...services.ledger.activities import FieldErrors
from ..clock import now
from .. import attachments as stored_files
from ..downloads import XLSX_MIME, attachment as disposition
from ..guards import managed_units
from ..localtime import parse_local, to_input, zone
from ..nav import add_card, add_nav
from ..outcome import committing
from . import bp
from .ledger_forms import ActivityForm, posted_attendance

add_nav("organizer.ledger_calendar", "三会一课台账", roles=("organizer", "admin"), order=46)
add_card("organizer.ledger_calendar", "三会一课台账", "记录支部组织生活，查看各支部是否按《条例》开展",
         roles=("organizer", "admin"), order=46)


def _year() -> int:
    current = now().astimezone(zone()).year
    year = request.args.get("year", type=int) or current
    return year if 2000 <= year <= current + 1 else current


def _branch(unit_id: int):
    try:
        return scope.managed_branch(db.session, managed_units(), unit_id)
    except NotFound:
        abort(404)


def _activity(activity_id: int):
    try:
        return scope.managed_activity(db.session, managed_units(), activity_id)
    except NotFound:
        abort(404)


@lru_cache(maxsize=512)
def _strip(states: tuple[str, ...]) -> Markup:
    """The 12-month strip of a branch; branches share a handful of patterns, so each is built once."""
    return Markup("").join(Markup('<span class="ledger-state--{0}" title="{1}月：{2}">{1}</span>').format(
        state, month, STATE_LABELS[state]) for month, state in enumerate(states, 1))


def month_strip(row) -> Markup:
    return _strip(tuple(row.year.month_state(month) for month in range(1, 13)))


@bp.route("/ledger")
def ledger_calendar():
    year, sort = _year(), request.args.get("sort", "overdue")
    sort = sort if sort in calendar.SORTS else "overdue"
    rows = calendar.organization_calendar(db.session, managed_units(), year, now(), zone(), sort)
    return render_template("organizer/ledger/calendar.html", rows=rows, year=year, sort=sort, sorts=calendar.SORTS,
                           labels=STATE_LABELS, overdue_total=sum(row.overdue for row in rows),
                           rules=RULES, settings=ORGANIZATION_SETTINGS, month_strip=month_strip,
                           this_year=now().astimezone(zone()).year)


@bp.route("/ledger/chase")
def ledger_chase():
    year = _year()
    rows = calendar.chase_list(calendar.organization_calendar(db.session, managed_units(), year, now(), zone()))
    return render_template("organizer/ledger/chase.html", rows=rows, year=year,
                           reminder=calendar.reminder_text(rows, year) if rows else "")


@bp.route("/ledger/export.xlsx")
def ledger_export():
    year = _year()
    rows = calendar.organization_calendar(db.session, managed_units(), year, now(), zone(), "name")
    data = tabular.xlsx_book_bytes(exports.workbook_sheets(db.session, rows, year, zone()))
    response = current_app.response_class(data, mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = disposition(tabular.export_filename(f"三会一课台账-{year}", "xlsx"))
    return response


@bp.route("/ledger/branches/<int:unit_id>")
def ledger_branch(unit_id: int):
    unit, year = _branch(unit_id), _year()
    [row] = calendar.calendar_rows(db.session, [unit], year, now(), zone())
    span = Period(year, YEAR, 1)
    items = activities.branch_activities(db.session, unit.id, span.start(zone()), span.end(zone()))
    return render_template("organizer/ledger/branch.html", unit=unit, row=row, year=year, items=items,
                           labels=STATE_LABELS, kind_labels=kinds.KINDS, status_labels=kinds.STATUSES)


@bp.route("/ledger/branches/<int:unit_id>/book")
def ledger_book(unit_id: int):
    unit, year = _branch(unit_id), _year()
    book = exports.record_book(db.session, unit.id, year, zone())
    return render_template("organizer/ledger/book.html", unit=unit, year=year, book=book, kind_labels=kinds.KINDS)


@bp.route("/ledger/branches/<int:unit_id>/new", methods=["GET", "POST"])
def ledger_new(unit_id: int):
    unit = _branch(unit_id)
    form = ActivityForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind") if request.args.get("kind") in kinds.KINDS else kinds.COMMITTEE
        start = now().replace(second=0, microsecond=0)
        form.starts_at.data = to_input(start)
    return _save(unit, None, form)


@bp.route("/ledger/activities/<int:activity_id>/edit", methods=["GET", "POST"])
def ledger_edit(activity_id: int):
    activity = _activity(activity_id)
    form = ActivityForm(obj=activity) if request.method == "GET" else ActivityForm()
    if request.method == "GET":
        form.starts_at.data, form.ends_at.data = to_input(activity.starts_at), to_input(activity.ends_at)
    return _save(activity.unit, activity, form)


def _save(unit, activity, form: ActivityForm):
    roster = activities.branch_roster(db.session, unit.id)
    form.fill_choices(roster, activities.party_groups(db.session, unit.id))
    attendance_error = None
    if form.validate_on_submit():
        with committing("活动记录已保存。") as done:
            try:
                saved = activities.save_activity(db.session, current_user, managed_units(), unit.id, activity,
                                                 form.to_input(roster), now(), zone())
            except FieldErrors as exc:
                attendance_error = exc.errors.get("attendance")
                for name, message in exc.errors.items():
                    if name in form:
                        form[name].errors = [*form[name].errors, message]
                raise
        if done:
            return redirect(url_for(".ledger_activity", activity_id=saved.id))
    if request.method == "POST":  # show what was posted again, not what is stored
        posted = posted_attendance(roster)
        sheet = {user.id: posted.get(user.id, ("", "")) for user in roster}
    elif activity is not None:
        sheet = {line.user.id: (line.state or "", line.reason) for line in signin.attendance_sheet(db.session, activity)}
    else:
        sheet = {}
    return render_template("organizer/ledger/form.html", form=form, unit=unit, activity=activity, roster=roster,
                           sheet=sheet, attendance_labels=kinds.ATTENDANCE, attendance_error=attendance_error)


@bp.route("/ledger/activities/<int:activity_id>")
def ledger_activity(activity_id: int):
    activity = _activity(activity_id)
    lines = signin.attendance_sheet(db.session, activity)
    return render_template("organizer/ledger/detail.html", activity=activity, lines=lines,
                           counts=signin.counts(lines), labels=kinds.ATTENDANCE, kind_labels=kinds.KINDS,
                           status_labels=kinds.STATUSES, history=activities.history(activity),
                           quorum=signin.quorum(lines) if activity.votes else None)


@bp.route("/ledger/activities/<int:activity_id>/sign-in", methods=["POST"])
def ledger_signin(activity_id: int):
    activity = _activity(activity_id)
    try:
        starts, ends = parse_local(request.form.get("starts_at")), parse_local(request.form.get("ends_at"))
    except ValueError as exc:
        flash(f"签到时间：{exc}", "danger")
        return redirect(url_for(".ledger_activity", activity_id=activity.id))
    with committing("已开启签到，本支部党员可在“集中学习”页面签到。"):
        signin.open_signin(db.session, current_user, activity, starts, ends)
    return redirect(url_for(".ledger_activity", activity_id=activity.id))


def _storage():
    # LEDGER_ATTACHMENTS_DIR lets tests (and installations) put the files elsewhere; never under static/.
    return stored_files.directory("LEDGER_ATTACHMENTS_DIR", attachments.DIRECTORY)


@bp.route("/ledger/activities/<int:activity_id>/attachments", methods=["POST"])
def ledger_attach(activity_id: int):
    activity = _activity(activity_id)
    uploads = [(item.filename or "", item.read()) for item in request.files.getlist("files") if item.filename]
    with committing("附件已上传。"):
        attachments.add_attachments(db.session, current_user, activity, uploads, _storage(), now())
    return redirect(url_for(".ledger_activity", activity_id=activity.id) + "#attachments")


@bp.route("/ledger/attachments/<int:attachment_id>")
def ledger_attachment(attachment_id: int):
    try:
        item = scope.managed_attachment(db.session, managed_units(), attachment_id)
        data = attachments.read(item, _storage())
    except (NotFound, FileNotFoundError):
        abort(404)
    return stored_files.inline(item, data)


@bp.route("/ledger/attachments/<int:attachment_id>/delete", methods=["POST"])
def ledger_delete_attachment(attachment_id: int):
    try:
        item = scope.managed_attachment(db.session, managed_units(), attachment_id)
    except NotFound:
        abort(404)
    activity_id = item.activity_id
    path = attachments.delete_attachment(db.session, item, _storage())
    db.session.commit()
    path.unlink(missing_ok=True)  # after the commit: a failed commit leaves the file with its row
    flash("附件已删除。", "success")
    return redirect(url_for(".ledger_activity", activity_id=activity_id) + "#attachments")
