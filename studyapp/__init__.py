"""studyapp: 支部工作条例学习考试平台."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import config as cfg

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. Settings layer: defaults, instance/config.py, STUDYAPP_* environment, `config`."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"), instance_relative_config=True)
    app.config.from_object(cfg.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(cfg.from_environment(os.environ))
    if config:
        app.config.update(config)
    _finish_config(app)

    from .extensions import bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    # Only decorated routes are limited (default_limits=[]), and the decorator checks them itself; the
    # extension's before_request hook would re-evaluate an empty set of limits on every request.
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if hook != limiter._check_request_limit]

    from . import models  # noqa: F401  (registers tables)
    from .database import configure_engine

    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    from .web import register_web

    register_web(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _finish_config(app: Flask) -> None:
    """Derive settings that depend on others: secret, database URL, content folder."""
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.load_or_create_secret(instance)
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        url = cfg.sqlite_url(instance)
    app.config["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"] = url
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("CONTENT_DIR"):
        app.config["CONTENT_DIR"] = str(PROJECT_ROOT / "content")
    # Redis must never stand between a member and a saved answer: fall back to memory if it is down.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
