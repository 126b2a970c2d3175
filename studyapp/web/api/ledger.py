"""The member's organizational life (组织生活): my branch's activities with my attendance, and one activity
with its minutes where the branch publishes them, through the services the ledger pages use (scope in
services.ledger.scope, attendance in services.ledger.members). Signing in goes through group study: an
activity with a sign-in window names its session, which POST /group-study/{id}/sign-in takes."""
from __future__ import annotations

from flask import g

from ...domain.ledger import kinds
from ...domain.signin import signin_state
from ...extensions import db
from ...services import group_study
from ...services.ledger import members, scope
from ..clock import now
from ..group_study import early_margin
from . import bp
from .auth import bearer
from .shapes import iso


def _line_body(line: members.MyLine, windows: dict, moment) -> dict:
    activity = line.activity
    window = windows.get(activity.signin_session_id)
    signin = None
    if window is not None:  # only a window the member is invited to (group_study.my_windows)
        study, attendance = window
        signin = {"session_id": study.id, "state": signin_state(study.starts_at, study.ends_at, moment, early_margin()),
                  "signed_in_at": iso(attendance.signed_in_at) if attendance else None}
    return {"id": activity.id, "kind": activity.kind, "kind_label": kinds.KINDS[activity.kind],
            "topic": activity.topic, "status": activity.status, "status_label": kinds.STATUSES[activity.status],
            "starts_at": iso(activity.starts_at), "ends_at": iso(activity.ends_at), "place": activity.place,
            "attendance": line.state, "attendance_label": line.label, "reason": line.reason, "signin": signin}


def _windows(lines: list[members.MyLine]) -> dict:
    ids = {line.activity.signin_session_id for line in lines if line.activity.signin_session_id is not None}
    return group_study.my_windows(db.session, g.api_user, ids)


@bp.route("/ledger")
@bearer
def ledger_list():
    moment = now()
    lines = members.my_ledger(db.session, g.api_user, moment)
    held, present = members.tally(lines)
    windows = _windows(lines)
    return {"held": held, "present": present, "activities": [_line_body(line, windows, moment) for line in lines]}


@bp.route("/ledger/<int:activity_id>")
@bearer
def ledger_activity(activity_id: int):
    item = scope.member_activity(db.session, g.api_user, activity_id)
    line = members.my_line(db.session, g.api_user, item)
    # Minutes and decisions only where the branch publishes them to its members, as on the web page.
    minutes = {"html": item.minutes_html, "decisions": item.decisions} if item.minutes_public else None
    return {**_line_body(line, _windows([line]), now()), "minutes": minutes}
