"""The web layer: blueprints, error pages, request hooks. Views translate; services decide."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from . import errors, hooks, templating
from .requests import SafeJSONProvider, StudyRequest
from .sessions import SlidingSessionInterface


class BoundedIntConverter(IntegerConverter):
    """<int:...> ids beyond a 32-bit column are simply not found, instead of overflowing the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_web(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .main import bp as main_bp

    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = StudyRequest
    app.json = SafeJSONProvider(app)
    app.session_interface = SlidingSessionInterface()
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
BLUEPRINT_MODULES: list[str] = ["organizer", "admin", "study", "practice", "wrong_book", "group_study", "api", "exams", "contests", "daily", "ledger", "assessment"]
