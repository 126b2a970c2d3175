"""Area guards: each area is checked once, in its blueprint's before_request."""
from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from ..extensions import db
from ..services.scope import managed_unit_ids


def require_roles(*roles: str):
    """A before_request hook that admits only logged-in users of the given roles."""

    def guard():
        if not current_user.is_authenticated:
            from ..extensions import login_manager

            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)
        # Computed once per request; every query in the area filters by it.
        g.managed_unit_ids = managed_unit_ids(db.session, current_user)
        return None

    return guard


def managed_units() -> set[int]:
    """Units the current organizer or admin may see and change (set by the area guard)."""
    return g.managed_unit_ids


def ensure_managed(unit_id: int) -> None:
    """404, not 403, for another branch's objects: their existence is not ours to reveal."""
    if unit_id not in g.managed_unit_ids:
        abort(404)
