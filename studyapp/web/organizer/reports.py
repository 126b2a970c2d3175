"""Results of sittings for organizers: participation by branch, distribution, chase and score lists,
member detail and transcripts, and the live monitor. Exams' item analysis is in reports_exams.py.

Organizers see a sitting when it belongs to their unit or its audience reaches one of their units, and
then only their units' members; anything else is a 404. Every table exports with ?format=csv|xlsx.
"""
from __future__ import annotations

from itertools import islice
from zoneinfo import ZoneInfo

from flask import abort, current_app, jsonify, render_template, request
from sqlalchemy.orm import Session

from ...domain import chase, exam_status, statistics
from ...extensions import db
from ...services import reports
from ...services.errors import NotFound
from ...services.reports import members as member_reports
from ...services.reports import rosters, tables
from ...services.reports.sitting import monitor as monitor_rows
from ...services.reports.sitting import sitting_summary
from ..clock import now
from ..downloads import csv_response, table_response, xlsx_response
from ..guards import managed_units
from ..nav import add_card, add_nav
from ..templating import local
from . import bp

PER_PAGE = 100

add_nav("organizer.reports_index", "成绩统计", roles=("organizer", "admin"), order=60)
add_card("organizer.reports_index", "成绩统计", "各支部参考率、及格率、未参考名单、试题分析", roles=("organizer", "admin"), order=60)


def found(call, *args):
    """Run a scoped look-up; NotFound (another branch's object) becomes a 404."""
    try:
        return call(db.session, *args, managed_units())
    except NotFound:
        abort(404)


def export_format() -> str | None:
    fmt = request.args.get("format")
    if fmt not in (None, "csv", "xlsx"):
        abort(404)
    return fmt


def localizer():
    """Local-time formatting that needs no app context (streamed bodies run after the request)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return lambda value: value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else None


def stream_lines(fmt: str, stem: str, headers: list[str], stmt, to_rows, sheet_title: str, window: str):
    """Export member lines: xlsx built now; CSV streamed from a server-side cursor on its own session."""
    if fmt == "xlsx":
        return xlsx_response(stem, headers, to_rows(rosters.read_lines(db.session, stmt, window)), sheet_title)
    engine = db.engine

    def rows():
        # The request's session is closed by the time the body streams: read on a session of our own.
        with Session(engine) as session:
            yield from to_rows(rosters.read_lines(session, stmt, window))

    return csv_response(stem, headers, rows())


def _audience(sitting_id: int):
    sitting = found(reports.reportable_sitting, sitting_id)
    return sitting, reports.audience_for(db.session, sitting, managed_units())


def _unit_arg() -> int | None:
    unit_id = request.args.get("unit", type=int)
    if unit_id is not None and unit_id not in managed_units():
        abort(404)
    return unit_id


@bp.route("/reports")
def reports_index():
    sittings = reports.visible_sittings(db.session, managed_units())
    exams = {s.exam.id: s.exam for s in sittings}
    return render_template("organizer/reports/index.html", sittings=sittings, exams=list(exams.values()))


@bp.route("/reports/sittings/<int:sitting_id>")
def report_sitting(sitting_id: int):
    sitting, audience = _audience(sitting_id)
    summary = sitting_summary(db.session, audience)
    fmt = export_format()
    if fmt:
        headers, rows = tables.summary_table(summary)
        return table_response(fmt, f"参考情况-{sitting.title}", headers, rows, sheet_title="参考情况")
    headers, distribution = tables.distribution_table(summary)
    return render_template("organizer/reports/sitting.html", sitting=sitting, summary=summary,
                           bars=statistics.bars(summary.bins, width=600, height=200), distribution=distribution)


@bp.route("/reports/sittings/<int:sitting_id>/distribution")
def report_distribution(sitting_id: int):
    sitting, audience = _audience(sitting_id)
    fmt = export_format() or "csv"
    headers, rows = tables.distribution_table(sitting_summary(db.session, audience))
    return table_response(fmt, f"成绩分布-{sitting.title}", headers, rows, sheet_title="成绩分布")


@bp.route("/reports/sittings/<int:sitting_id>/chase")
def report_chase(sitting_id: int):
    sitting, audience = _audience(sitting_id)
    unit_id = _unit_arg()
    stmt = rosters.member_statement(audience, absent_only=True, unit_id=unit_id)
    window = rosters.window_at(audience, now())
    fmt = export_format()
    if fmt:
        return stream_lines(fmt, f"未参考名单-{sitting.title}", rosters.CHASE_HEADERS, stmt, rosters.chase_rows,
                            "未参考名单", window)
    lines = list(rosters.read_lines(db.session, stmt, window))
    close = sitting.closes_at.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    deadline = f"{close.month}月{close.day}日{close:%H:%M}"
    groups = [(name, group, chase.reminder(sitting.exam.title, deadline, [line.name for line in group]),
               chase.phone_list(line.phone for line in group))
              for name, group in rosters.by_branch_in_tree_order(db.session, lines)]
    return render_template("organizer/reports/chase.html", sitting=sitting, lines=lines, groups=groups,
                           unit_id=unit_id)


@bp.route("/reports/sittings/<int:sitting_id>/scores")
def report_scores(sitting_id: int):
    sitting, audience = _audience(sitting_id)
    unit_id = _unit_arg()
    stmt = rosters.member_statement(audience, unit_id=unit_id)
    window = rosters.window_at(audience, now())
    fmt = export_format()
    if fmt:
        localize = localizer()
        return stream_lines(fmt, f"成绩单-{sitting.title}", rosters.SCORE_HEADERS, stmt,
                            lambda lines: rosters.score_rows(lines, localize), "成绩单", window)
    page = max(request.args.get("page", 1, type=int), 1)
    lines = list(islice(rosters.read_lines(db.session, stmt.offset((page - 1) * PER_PAGE), window), PER_PAGE + 1))
    return render_template("organizer/reports/scores.html", sitting=sitting, lines=lines[:PER_PAGE], page=page,
                           has_next=len(lines) > PER_PAGE, unit_id=unit_id)


@bp.route("/reports/sittings/<int:sitting_id>/members/<int:user_id>")
def report_member(sitting_id: int, user_id: int):
    sitting = found(reports.reportable_sitting, sitting_id)
    person = found(reports.reportable_member, user_id)
    details = member_reports.sitting_attempts(db.session, sitting, person)
    fmt = export_format()
    if fmt:
        headers, rows = tables.answers_table(details, localizer())
        return table_response(fmt, f"答题详情-{person.name}-{sitting.title}", headers, rows, sheet_title="答题详情")
    return render_template("organizer/reports/member.html", sitting=sitting, person=person, details=details)


@bp.route("/reports/members/<int:user_id>")
def report_transcript(user_id: int):
    person = found(reports.reportable_member, user_id)
    sheet = member_reports.transcript(db.session, person)
    fmt = export_format()
    if fmt:
        part = request.args.get("part", "exams")
        headers, rows = (tables.study_table if part == "study" else tables.transcript_table)(sheet, localizer())
        label = "学习记录" if part == "study" else "考试记录"
        return table_response(fmt, f"{label}-{person.name}", headers, rows, sheet_title=label)
    return render_template("organizer/reports/transcript.html", person=person, sheet=sheet)


@bp.route("/reports/sittings/<int:sitting_id>/monitor")
def report_monitor(sitting_id: int):
    sitting, audience = _audience(sitting_id)
    window = rosters.window_at(audience, now())
    words = {"answering": exam_status.ANSWERING, "waiting": exam_status.member_status(window, False, False)}
    return render_template("organizer/reports/monitor.html", sitting=sitting, words=words,
                           state=_monitor_state(audience))


@bp.route("/reports/sittings/<int:sitting_id>/monitor.json")
def report_monitor_json(sitting_id: int):
    _sitting, audience = _audience(sitting_id)
    response = jsonify(_monitor_state(audience))
    response.headers["Cache-Control"] = "no-store"
    return response


def _monitor_state(audience) -> dict:
    rows = [row.as_dict() for row in monitor_rows(db.session, audience)]
    keys = ("expected", "started", "in_progress", "submitted", "not_started")
    return {"branches": rows, "total": {k: sum(r[k] for r in rows) for k in keys},
            "updated": local(now(), "%H:%M:%S"), "open": audience.sitting.closes_at > now()}
