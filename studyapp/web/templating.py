"""Template filters and globals: local time display, question type labels, content sources, fixed URLs
(navigation: web/main.py)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for


def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a UTC datetime in the organization's time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime(fmt)


#: fixed_url keeps at most this many URLs per app, then starts again: far more than the site's links.
FIXED_URLS_KEPT = 4096


def fixed_url(endpoint: str, **values) -> str:
    """url_for for a link that is the same for everyone: a stylesheet, a script, a page with no arguments,
    or a page of the content (a module's slug, a chapter's number). Such a URL depends on the app, its
    script root and these values alone, so each is built once per worker (every page has a dozen, and
    building one cost as much as a dozen lines of template). Never pass it a member's or a request's own
    value (a token, a search): those only churn the cache."""
    key = (request.script_root, endpoint, *sorted(values.items()))
    urls = current_app.extensions.setdefault("studyapp_fixed_urls", {})
    url = urls.get(key)
    if url is None:
        if len(urls) >= FIXED_URLS_KEPT:
            urls.clear()
        url = urls[key] = url_for(endpoint, **values)
    return url


def init_app(app: Flask) -> None:
    from ..domain.content_files import source_label
    from .answer_forms import type_label

    app.add_template_filter(local, "local")
    app.add_template_filter(type_label, "qtype_label")
    app.add_template_filter(source_label, "source_label")
    app.add_template_global(fixed_url, "fixed_url")

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
