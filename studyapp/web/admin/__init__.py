"""Administrator pages (机关党委): branch tree, roster, roles, under /admin. One guard for all."""
from __future__ import annotations

from importlib import import_module

from flask import Blueprint

from ..guards import require_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles("admin"))

#: Page modules of this area; each defines its routes on `bp`.
PAGE_MODULES: list[str] = ["members", "units", "roster"]

for _name in PAGE_MODULES:
    import_module(f"{__name__}.{_name}")
