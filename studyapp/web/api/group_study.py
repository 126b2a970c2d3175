"""Group study sessions (集中学习) for the member: what I am invited to, and signing in (签到), through the
services the group-study page uses (invitation scope, the sign-in window, once per member)."""
from __future__ import annotations

from flask import g, jsonify

from ...domain.signin import signin_state
from ...extensions import db
from ...services import group_study
from ..clock import now
from ..group_study import early_margin
from . import bp
from .auth import bearer
from .shapes import iso


def _session_body(study, attendance, moment) -> dict:
    return {"id": study.id, "title": study.title, "starts_at": iso(study.starts_at), "ends_at": iso(study.ends_at),
            "place": study.place, "note": study.note,
            "chapters": [{"module_slug": c.module.slug, "number": c.number, "title": c.title} for c in study.chapters],
            "signin": signin_state(study.starts_at, study.ends_at, moment, early_margin()),
            "signed_in_at": iso(attendance.signed_in_at) if attendance else None}


@bp.route("/group-study")
@bearer
def group_study_list():
    moment = now()
    items = sorted(group_study.my_sessions(db.session, g.api_user), key=lambda item: item[0].starts_at)
    return jsonify([_session_body(study, attendance, moment) for study, attendance in items])


@bp.route("/group-study/<int:session_id>/sign-in", methods=["POST"])
@bearer
def group_study_sign_in(session_id: int):
    moment = now()
    attendance = group_study.sign_in(db.session, g.api_user, session_id, moment, early_margin())
    db.session.commit()
    return {"session_id": session_id, "signed_in_at": iso(attendance.signed_in_at)}
