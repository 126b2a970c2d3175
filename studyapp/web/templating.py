"""Template filters and globals: local time display, role labels."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a UTC datetime in the organization's time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from . import nav

    app.add_template_filter(local, "local")

    @app.context_processor
    def _navigation():
        if not current_user.is_authenticated:
            return {"nav_entries": []}
        entries = [e for e in nav.visible(nav.NAV, current_user.role) if e.endpoint in app.view_functions]
        return {"nav_entries": entries}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
