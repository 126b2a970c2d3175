"""Who am I, and what may I read: /me, /modules, /modules/<slug>/chapters/<number> (progress: api.study)."""
from __future__ import annotations

from flask import g, jsonify

from ...extensions import db
from ...services import study
from .. import sealed
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
            "upcoming": [{"number": c.number, "title": c.title, "publish_at": iso(c.publish_at)}
                         for c in study.upcoming_chapters(db.session, module, moment)],
        }
        for module in study.visible_modules(db.session, user, moment)
    ])


@bp.route("/modules/<slug>/chapters/<int:number>")
@bearer
def chapter(slug: str, number: int):
    moment, user = now(), g.api_user
    found = study.get_visible_chapter(db.session, user, slug, number, moment)
    return {
        "title": found.title,
        "html": found.body_html,
        "articles": [{"number": a.number, "anchor": a.anchor} for a in found.articles],
        # Reading time is credited from this moment on (services.study.record_time); stamping it writes nothing.
        "time_token": sealed.reading_stamp(user.id, found.id, moment),
    }
