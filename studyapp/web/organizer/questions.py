"""Question banks for organizers: browse and filter, detail with versions, edit with preview,
retire/restore, import (all or nothing, every problem listed), template and export, coverage matrix."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ...domain.problems import ValidationFailed
from ...domain.questions import FORMATS, QuestionDraft, write_xlsx
from ...domain.rendering import render_markdown
from ...extensions import db
from ...models import TYPE_LABELS, Module, Question, QuestionVersion
from ...models.questions import DIFFICULTY_LABELS
from ...services import question_queries as queries
from ...services import questions as bank
from ...services.errors import NotFound, ServiceError
from ...services.question_versions import draft_of
from ...services.scope import may_edit_bank, usable_question
from ..clock import now
from ..links import article_url
from ..nav import add_card, add_nav
from ..requests import page_number
from . import bp
from .question_forms import ImportForm, QuestionForm, draft_from_form, form_from_draft, option_fields

PER_PAGE = 20
EXPORT_LIMIT = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

add_nav("organizer.question_list", "题库", roles=("organizer", "admin"), order=60)
add_card("organizer.question_list", "题库", "浏览、导入和修改题目，查看各章各条的覆盖情况", roles=("organizer", "admin"),
         order=60)


def _render(template: str, **context) -> str:
    return render_template(f"organizer/questions/{template}", labels=TYPE_LABELS, difficulty_labels=DIFFICULTY_LABELS,
                           **context)


def _modules() -> list[Module]:
    return queries.editable_modules(db.session, current_user)


def _module(module_id: int | None) -> tuple[Module | None, list[Module]]:
    """The module asked for (404 if not the organizer's to see), or the first one."""
    modules = _modules()
    if module_id is None:
        return (modules[0] if modules else None), modules
    found = next((m for m in modules if m.id == module_id), None)
    if found is None:
        abort(404)
    return found, modules


def _question(question_id: int) -> tuple[Question, Module]:
    try:
        question = usable_question(db.session, current_user, question_id)
    except NotFound:
        abort(404)
    module, _ = _module(question.module_id)
    return question, module


def _int(name: str) -> int | None:
    return request.args.get(name, type=int)  # out of range: 400 (web.requests)


def _filter(module: Module) -> queries.BankFilter:
    status = request.args.get("status", "active")
    return queries.BankFilter(
        module_id=module.id, chapter=_int("chapter"), article=_int("article"), qtype=request.args.get("type") or None,
        difficulty=_int("difficulty"), tag=request.args.get("tag", "").strip()[:30],
        text=request.args.get("q", "").strip()[:100], status=status if status in ("retired", "all") else "active")


@bp.route("/questions")
def question_list():
    module, modules = _module(_int("module"))
    if module is None:
        return _render("list.html", module=None, modules=[])
    f = _filter(module)
    page = db.paginate(queries.question_query(f), page=page_number(), per_page=PER_PAGE, max_per_page=PER_PAGE,
                       error_out=False)
    return _render("list.html", module=module, modules=modules, f=f, page=page,
                           chapters=module.chapters, types=queries.TYPES)


@bp.route("/questions/<int:question_id>")
def question_detail(question_id: int):
    question, module = _question(question_id)
    return _render("detail.html", question=question, module=module,
                           versions=list(reversed(question.versions)), link=_link(module, question.current),
                           can_edit=may_edit_bank(db.session, current_user, module))


def _link(module: Module, version: QuestionVersion | None) -> str | None:
    if version is None:
        return None
    return article_url(module.slug, version.chapter_number, version.article_number)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def question_edit(question_id: int):
    question, module = _question(question_id)
    if not may_edit_bank(db.session, current_user, module):
        abort(403, "这个题库由其所属组织维护，您只能查看")
    form = QuestionForm()
    if request.method == "GET":
        form_from_draft(form, draft_of(question, question.current))
    problems, preview = [], None
    if form.validate_on_submit():
        draft, message = draft_from_form(form, question.key)
        if message:
            problems.append(f"答案：{message}")
        elif request.form.get("action") == "preview":
            preview = _preview(draft)
        else:
            try:
                outcome = bank.edit_question(db.session, current_user, question, draft, now())
            except ValidationFailed as exc:
                db.session.rollback()
                problems = [f"{p.column}：{p.message}" if p.column else p.message for p in exc.problems]
            except ServiceError as exc:
                db.session.rollback()
                abort(exc.status, str(exc))
            else:
                db.session.commit()
                flash({"unchanged": "内容没有变化。", "edited": "已保存。",
                       "versioned": "已保存为新版本（旧版本已有人作答，保持不变）。"}[outcome], "success")
                return redirect(url_for("organizer.question_detail", question_id=question.id))
    return _render("edit.html", form=form, question=question, module=module,
                           options=option_fields(form), problems=problems, preview=preview)


def _preview(draft: QuestionDraft) -> dict:
    """What members will see, rendered on the server exactly as a saved version would be."""
    # render_markdown() returns HTML already sanitized by nh3 (domain.rendering.sanitize).
    return {"stem": Markup(render_markdown(draft.stem_md)), "options": draft.options,  # nosec B704
            "explanation": Markup(render_markdown(draft.explanation_md))}  # nosec B704


@bp.route("/questions/<int:question_id>/status", methods=["POST"])
def question_status(question_id: int):
    question, _module_ = _question(question_id)
    status = "retired" if request.form.get("status") == "retired" else "active"
    try:
        bank.set_status(db.session, current_user, question, status, now())
    except ServiceError as exc:
        db.session.rollback()
        abort(exc.status, str(exc))
    db.session.commit()
    flash("已停用，此后不会再被抽到；历史记录保留。" if status == "retired" else "已恢复使用。", "success")
    return redirect(url_for("organizer.question_detail", question_id=question.id))


@bp.route("/questions/import", methods=["GET", "POST"])
def question_import():
    module_id = request.values.get("module", type=int)
    if module_id is None:  # the first bank this organizer may change, not merely read
        module_id = next((m.id for m in _modules() if may_edit_bank(db.session, current_user, m)), None)
    module, modules = _module(module_id)
    if module is None:
        abort(404)
    if not may_edit_bank(db.session, current_user, module):
        abort(403, "这个题库由其所属组织维护，您只能查看")
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = bank.import_bank(db.session, current_user, module, upload.read(), upload.filename or "",
                                      now(), form.chapter.data, form.article.data,
                                      update_existing=form.on_existing.data != "refuse")
        except ValidationFailed as exc:
            db.session.rollback()
            problems = [str(p) for p in exc.problems]
        except ServiceError as exc:
            db.session.rollback()
            abort(exc.status, str(exc))
        else:
            db.session.commit()
            _flash_import(result)
            return redirect(url_for("organizer.question_list", module=module.id, status="active"))
    return _render("import.html", form=form, module=module, modules=modules,
                           problems=problems, formats=FORMATS)


MAX_WARNINGS_SHOWN = 30


def _flash_import(result: bank.ImportResult) -> None:
    parts = [f"新增{result.created}道"]
    if result.updated:
        shown = "、".join(result.updated[:10]) + ("等" if len(result.updated) > 10 else "")
        parts.append(f"按编号更新{len(result.updated)}道（{shown}）")
    if result.unchanged:
        parts.append(f"{result.unchanged}道与题库中相同、未改动")
    flash(f"已导入{result.count}道题：" + "，".join(parts) + "。" + (result.note or ""), "success")
    for warning in result.warnings[:MAX_WARNINGS_SHOWN]:
        flash(f"请核对：{warning}", "warning")
    if len(result.warnings) > MAX_WARNINGS_SHOWN:
        flash(f"另有{len(result.warnings) - MAX_WARNINGS_SHOWN}条类似提示未列出。", "warning")


TEMPLATE_EXAMPLES = [
    QuestionDraft(None, "single", "按照《条例》，党支部党员人数一般不超过多少人？", [("A", "30人"), ("B", "50人"), ("C", "100人")],
                  "B", "第四条：党支部党员人数一般不超过50人。", 1, 2, 4, ["组织设置"]),
    QuestionDraft(None, "multiple", "下列哪些属于联合党支部的组建原则？", [("A", "地域相邻"), ("B", "行业相近"), ("C", "人数相同")],
                  ["A", "B"], "第五条。", 2, 2, 5, []),
    QuestionDraft(None, "true_false", "支部委员会会议须有三分之二以上的委员到会方能召开。", [], False, "第十二条：半数以上。", 2, 4, 12, []),
    QuestionDraft(None, "fill_blank", "党员大会一般每___召开1次。", [], [["季度", "季"]], "第十一条。", 1, 4, 11, []),
]


@bp.route("/questions/template.xlsx")
def question_template():
    return _xlsx(write_xlsx(TEMPLATE_EXAMPLES), "题库导入模板.xlsx")


@bp.route("/questions/export.xlsx")
def question_export():
    module, _ = _module(_int("module"))
    if module is None:
        abort(404)
    found = db.session.scalars(queries.question_query(_filter(module)).limit(EXPORT_LIMIT)).all()
    return _xlsx(bank.export_xlsx(db.session, list(found)), f"题库-{module.slug}.xlsx")


def _xlsx(data: bytes, filename: str) -> Response:
    from urllib.parse import quote

    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename=questions.xlsx; filename*=UTF-8''{quote(filename)}"
    return response


@bp.route("/questions/coverage")
def question_coverage():
    module, modules = _module(_int("module"))
    if module is None:
        abort(404)
    rows = queries.coverage(db.session, module)
    return _render("coverage.html", module=module, modules=modules, rows=rows,
                           totals=queries.chapter_totals(rows), types=queries.TYPES)
