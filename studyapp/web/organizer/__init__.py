"""Organizer pages (支部组织员 and administrators), under /manage. One guard for all of them."""
from __future__ import annotations

from importlib import import_module

from flask import Blueprint

from ...services.practice import chapter_label
from ..guards import require_roles

bp = Blueprint("organizer", __name__, url_prefix="/manage")
bp.before_request(require_roles("organizer", "admin"))
# "第一章 总则", not "第 1 章 第一章 总则": the chapter's own title already says which chapter it is.
bp.add_app_template_filter(lambda number, title: chapter_label(number, title or ""), "chapter_label")

#: Page modules of this area; each defines its routes on `bp`.
PAGE_MODULES: list[str] = ["dashboard", "members", "content", "chapters", "completion", "group_study", "questions", "exams", "sittings", "reports", "reports_exams", "contests", "ledger", "assessment"]

for _name in PAGE_MODULES:
    import_module(f"{__name__}.{_name}")
