"""Template filters and globals: local time display, question type labels, navigation."""
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
    from ..domain.content_files import source_label
    from .answer_forms import type_label

    app.add_template_filter(local, "local")
    app.add_template_filter(type_label, "qtype_label")
    app.add_template_filter(source_label, "source_label")

    @app.context_processor
    def _navigation():
        # Everyone's areas in the main bar; management areas in a second bar shown on management pages,
        # so a phone never has to scroll through sixteen links.
        if not current_user.is_authenticated:
            return {"nav_entries": [], "manage_entries": []}
        members, manage = nav.bar(current_user.role)
        return {"nav_entries": members, "manage_entries": manage}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
