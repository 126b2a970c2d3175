"""The web layer: blueprints, error pages, request hooks. Views translate; services decide."""
from __future__ import annotations

from flask import Flask

from . import errors, hooks, templating


def register_web(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .main import bp as main_bp

    hooks.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    for blueprint in (main_bp, auth_bp, *_optional_blueprints()):
        app.register_blueprint(blueprint)


def _optional_blueprints():
    """Blueprints of each area; each area's package exposes `bp`."""
    from importlib import import_module

    for name in BLUEPRINT_MODULES:
        yield import_module(f"{__name__}.{name}").bp


#: Area blueprints, in navigation order. Add a module here when an area lands.
BLUEPRINT_MODULES: list[str] = ["organizer", "admin", "study", "practice", "wrong_book", "group_study", "api", "exams", "contests", "daily"]
