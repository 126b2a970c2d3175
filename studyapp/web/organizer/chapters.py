"""The chapter editor: Markdown with a server-rendered live preview, schedule, lead note, versions."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ...domain.rendering import render_chapter, render_markdown
from ...extensions import db
from ...services import chapters as chapter_service
from ...services.errors import NotFound
from ...services.publishing import can_edit
from ..clock import now
from ..guards import managed_units
from ..localtime import to_input
from ..outcome import committing
from . import bp
from .content import editable, readable
from .content_forms import ChapterForm

#: Largest text the preview endpoint renders (a long chapter is ~30 000 characters).
PREVIEW_LIMIT = 200_000


def _chapter(module, chapter_id: int):
    try:
        return chapter_service.get_chapter(db.session, module, chapter_id)
    except NotFound:
        abort(404)


@bp.route("/modules/<int:module_id>/chapters/new", methods=["GET", "POST"])
def new_chapter(module_id: int):
    module = editable(module_id)
    form = ChapterForm()
    if request.method == "GET":
        form.number.data = chapter_service.next_number(module)
    return _edit(module, None, form)


@bp.route("/modules/<int:module_id>/chapters/<int:chapter_id>", methods=["GET", "POST"])
def edit_chapter(module_id: int, chapter_id: int):
    module = editable(module_id)
    chapter = _chapter(module, chapter_id)
    form = ChapterForm(obj=chapter)
    if request.method == "GET":
        form.publish_at.data = to_input(chapter.publish_at)
    return _edit(module, chapter, form)


def _edit(module, chapter, form: ChapterForm):
    if form.validate_on_submit():
        data = chapter_service.ChapterInput(
            number=form.number.data, title=form.title.data, body_md=form.body_md.data or "",
            publish_at=form.publish_at.utc, lead_note_md=form.lead_note_md.data or "",
            lead_note_author=form.lead_note_author.data or "")
        with committing("已保存，并存为一个新版本。") as done:
            saved = chapter_service.save_chapter(db.session, current_user, module, chapter, data, now())
        if done:
            return redirect(url_for(".edit_chapter", module_id=module.id, chapter_id=saved.id))
    # The organizer's preview also shows notes for authors, which the stored members' body_html leaves out;
    # render_chapter() returns HTML sanitized by nh3 (domain.rendering.sanitize).
    preview = ""
    if chapter is not None:
        preview = Markup(render_chapter(chapter.body_md, for_authors=True).html)  # nosec B704
    return render_template("organizer/content/chapter_edit.html", module=module, chapter=chapter, form=form,
                           preview=preview)


@bp.route("/preview", methods=["POST"])
def preview():
    """Render Markdown exactly as saving would (sanitized); JSON {"markdown", "kind"} → {"html"}."""
    payload = request.get_json(silent=True) or {}
    text = payload.get("markdown")
    if not isinstance(text, str):
        return jsonify(error={"code": "invalid", "message": "缺少 markdown 文本"}), 422
    if len(text) > PREVIEW_LIMIT:
        return jsonify(error={"code": "too_large", "message": "内容太长，无法预览"}), 413
    kind_note = payload.get("kind") == "note"
    html = render_markdown(text, for_authors=True) if kind_note else render_chapter(text, for_authors=True).html
    return jsonify(html=html)


@bp.route("/modules/<int:module_id>/chapters/<int:chapter_id>/versions")
def chapter_versions(module_id: int, chapter_id: int):
    module = readable(module_id)
    chapter = _chapter(module, chapter_id)
    versions = chapter_service.versions(db.session, chapter)
    authors = chapter_service.author_names(db.session, versions)
    return render_template("organizer/content/versions.html", module=module, chapter=chapter, versions=versions,
                           authors=authors, can_edit=can_edit(current_user, module, managed_units()))


@bp.route("/modules/<int:module_id>/chapters/<int:chapter_id>/versions/<int:version_id>/restore",
          methods=["POST"])
def restore_version(module_id: int, chapter_id: int, version_id: int):
    module = editable(module_id)
    chapter = _chapter(module, chapter_id)
    try:
        new_no = chapter_service.restore(db.session, current_user, module, chapter, version_id, now()).version_no
    except NotFound:
        abort(404)
    db.session.commit()
    flash(f"已恢复，保存为第 {new_no} 版。", "success")
    return redirect(url_for(".chapter_versions", module_id=module.id, chapter_id=chapter.id))
