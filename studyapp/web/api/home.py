"""GET /home: what the website's home page shows, in one call (services.home decides, and only reads)."""
from __future__ import annotations

from flask import current_app, g

from ...extensions import db
from ...services.home import home_for
from ..clock import now
from . import bp
from .auth import bearer
from .exams import sitting_body
from .shapes import iso, number


@bp.route("/home")
@bearer
def home():
    data = home_for(db.session, g.api_user, now(), current_app.config["TIMEZONE"])
    daily = data.daily
    return {
        "sittings": [sitting_body(offer) for offer in data.sittings],
        "contests": [{"id": c.id, "title": c.title, "closes_at": iso(c.closes_at)} for c in data.contests],
        "daily": {"total": daily.total, "answered": daily.answered, "correct": daily.correct, "done": daily.done,
                  "streak": daily.streak, "points_today": daily.points_today, "points_total": daily.points_total},
        "reviews_due": data.reviews_due,
        "modules": [{"slug": p.module.slug, "title": p.module.title, "chapters": p.total, "completed": p.completed,
                     "percent": p.percent, "seconds": p.seconds} for p in data.modules],
        "scores": [{"kind": s.kind, "title": s.title, "score": number(s.score), "out_of": number(s.out_of),
                    "at": iso(s.at), "passed": s.passed} for s in data.scores],
    }
