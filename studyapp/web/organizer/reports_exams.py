"""Exam-level reports: item analysis (with key correction), weak articles by branch, and regrades."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...domain import item_analysis as ia
from ...domain.questions.draft import answer_text
from ...extensions import db
from ...services import reports
from ...services.errors import Forbidden, Invalid, NotFound
from ...services.scope import may_edit_bank
from ...services.reports import items as item_reports
from ...services.reports import regrade, tables
from ..clock import now
from ..downloads import table_response
from ..guards import managed_units
from ..links import article_url
from . import bp
from .reports import export_format, found, localizer


def _owned(exam_id: int):
    """Key corrections and regrades belong to the organizers of the exam's own unit."""
    exam = found(reports.reportable_exam, exam_id)
    if exam.owner_unit_id not in managed_units():
        abort(403)
    return exam


@bp.route("/reports/exams/<int:exam_id>/items")
def report_items(exam_id: int):
    exam = found(reports.reportable_exam, exam_id)
    report = item_reports.item_analysis(db.session, exam, managed_units())
    fmt = export_format()
    if fmt:
        headers, rows = tables.item_table(report)
        return table_response(fmt, f"试题分析-{exam.title}", headers, rows, sheet_title="试题分析")
    return render_template("organizer/reports/items.html", exam=exam, report=report, min_takers=ia.MIN_TAKERS,
                           can_correct=exam.owner_unit_id in managed_units()
                           and may_edit_bank(db.session, current_user, exam.module), answer_text=answer_text,
                           flag_classes=tables.FLAG_CLASSES)


@bp.route("/reports/exams/<int:exam_id>/articles")
def report_articles(exam_id: int):
    exam = found(reports.reportable_exam, exam_id)
    unit_id = request.args.get("unit", type=int)
    if unit_id is not None and unit_id not in managed_units():
        abort(404)
    rows = item_reports.weak_articles(db.session, exam, managed_units(), unit_id)
    fmt = export_format()
    if fmt:
        headers, data = tables.article_table(rows)
        return table_response(fmt, f"薄弱条目-{exam.title}", headers, data, sheet_title="薄弱条目")
    branches: dict[int, list] = {}
    for row in rows:
        branches.setdefault(row.unit_id, []).append(row)
    slug = exam.module.slug
    links = {
        (row.chapter_number, row.article_number): (
            article_url(slug, row.chapter_number, row.article_number),
            url_for("practice.start", kind="article", module=slug, article=row.article_number)
            if row.article_number is not None and "practice.start" in current_app.view_functions else None,
        ) for row in rows
    }
    return render_template("organizer/reports/articles.html", exam=exam, branches=branches, links=links,
                           unit_id=unit_id)


@bp.route("/reports/exams/<int:exam_id>/questions/<int:question_id>/key", methods=["POST"])
def correct_key(exam_id: int, question_id: int):
    exam = _owned(exam_id)
    try:
        outcome = regrade.correct_key(db.session, current_user, exam, question_id, request.form.get("key", ""), now())
    except NotFound:
        abort(404)
    except (Invalid, Forbidden) as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".report_items", exam_id=exam.id))
    db.session.commit()
    if outcome == "unchanged":
        flash("答案与原答案相同，未作修改。", "info")
    else:
        flash("已更正答案。请点击“重新评分”，按新答案重算所有已交卷的成绩。", "success")
    return redirect(url_for(".report_regrade", exam_id=exam.id))


@bp.route("/reports/exams/<int:exam_id>/regrade", methods=["GET", "POST"])
def report_regrade(exam_id: int):
    if request.method == "POST":
        exam = _owned(exam_id)
        result = regrade.regrade_exam(db.session, current_user, exam, now(), request.form.get("reason", "").strip())
        db.session.commit()
        flash(f"已重新评分 {result.attempts} 份答卷，{len(result.changes)} 份成绩有变化。", "success")
        return redirect(url_for(".report_regrade", exam_id=exam.id))
    exam = found(reports.reportable_exam, exam_id)
    changes = regrade.score_changes(db.session, exam, managed_units())
    fmt = export_format()
    if fmt:
        headers, rows = tables.changes_table(changes, localizer())
        return table_response(fmt, f"成绩变更-{exam.title}", headers, rows, sheet_title="成绩变更")
    return render_template("organizer/reports/regrade.html", exam=exam, changes=changes,
                           can_regrade=exam.owner_unit_id in managed_units())
