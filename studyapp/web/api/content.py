"""Who am I, and what may I read: /me, /modules, /modules/<slug>/chapters/<number>."""
from __future__ import annotations

from flask import g, jsonify

from ...extensions import db
from ...services import study
from ..clock import now
from . import bp
from .auth import bearer
from .shapes import iso


@bp.route("/me")
@bearer
def me():
    user = g.api_user
    return {"username": user.username, "name": user.name, "branch": user.unit.name, "role": user.role}


@bp.route("/modules")
@bearer
def modules():
    moment, user = now(), g.api_user
    return jsonify([
        {
            "slug": module.slug,
            "title": module.title,
            "chapters": [{"number": c.number, "title": c.title}
                         for c in study.visible_chapters(db.session, user, module, moment)],
        }
        for module in study.visible_modules(db.session, user, moment)
    ])


@bp.route("/modules/<slug>/chapters/<int:number>")
@bearer
def chapter(slug: str, number: int):
    found = study.get_visible_chapter(db.session, g.api_user, slug, number, now())
    return {
        "title": found.title,
        "html": found.body_html,
        "articles": [{"number": a.number, "anchor": a.anchor} for a in found.articles],
    }


@bp.route("/me/progress")
@bearer
def my_progress():
    """My study progress per module and chapter, as the website's 学习记录 page reads it (reads only)."""
    moment, user = now(), g.api_user
    modules = []
    for item in study.progress_by_module(db.session, user, moment):
        chapters = study.visible_chapters(db.session, user, item.module, moment)
        rows = study.progress_by_chapter(db.session, user, [c.id for c in chapters])
        modules.append({
            "slug": item.module.slug, "title": item.module.title, "chapters_total": item.total,
            "completed": item.completed, "seconds": item.seconds,
            "chapters": [{"number": c.number, "title": c.title,
                          "started_at": iso(rows[c.id].started_at) if c.id in rows else None,
                          "completed_at": iso(rows[c.id].completed_at) if c.id in rows else None,
                          "seconds": rows[c.id].seconds_spent if c.id in rows else 0} for c in chapters],
        })
    return jsonify(modules)
