"""What every assessment page shares: the clock, the time zone, scope lookups that 404 outside scope."""
from __future__ import annotations

import random

from flask import abort, current_app
from flask_login import current_user

from ....extensions import db
from ....services.assessment import access
from ....services.errors import NotFound
from ...clock import now
from ...guards import managed_units

__all__ = ["now", "zone", "round_or_404", "entry_or_404", "problem_or_404", "require_admin", "rng"]


def zone() -> str:
    return current_app.config["TIMEZONE"]


def round_or_404(round_id: int):
    try:
        return access.visible_round(db.session, current_user, managed_units(), round_id)
    except NotFound:
        abort(404)


def entry_or_404(round_id: int, unit_id: int):
    try:
        return access.visible_entry(db.session, current_user, managed_units(), round_id, unit_id)
    except NotFound:
        abort(404)


def problem_or_404(problem_id: int):
    try:
        return access.visible_problem(db.session, current_user, managed_units(), problem_id)
    except NotFound:
        abort(404)


def require_admin() -> None:
    """Running rounds, naming 示范点 and schemes are the administrator's; organizers get 403."""
    if current_user.role != "admin":
        abort(403)


def rng() -> random.Random:
    return random.Random()
