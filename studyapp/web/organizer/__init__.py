"""Organizer pages (支部组织员 and administrators), under /manage. One guard for all of them."""
from __future__ import annotations

from importlib import import_module

from flask import Blueprint

from ..guards import require_roles

bp = Blueprint("organizer", __name__, url_prefix="/manage")
bp.before_request(require_roles("organizer", "admin"))

#: Page modules of this area; each defines its routes on `bp`.
PAGE_MODULES: list[str] = ["dashboard", "members", "content", "chapters", "completion", "group_study", "questions", "exams", "reports", "reports_exams", "contests"]
PAGE_MODULES.append("assessment")  # branch assessment (a package)

for _name in PAGE_MODULES:
    import_module(f"{__name__}.{_name}")
