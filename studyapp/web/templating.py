"""Template filters: local time display, question type labels, content sources (navigation: web/main.py)."""
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
    from ..domain.content_files import source_label
    from .answer_forms import type_label

    app.add_template_filter(local, "local")
    app.add_template_filter(type_label, "qtype_label")
    app.add_template_filter(source_label, "source_label")

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
