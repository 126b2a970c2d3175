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
    from .web import login_guard

    login_guard.init_app(app)
    if app.config["TRUSTED_PROXIES"] > 0:
        # Behind nginx every request comes from the proxy: take the member's address (and scheme) from
        # the X-Forwarded-* headers the trusted proxies add, so per-address limits see members.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
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
    cfg.private_folder(instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.load_or_create_secret(instance)
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = cfg.sqlite_url(instance)
    cfg.private_sqlite_file(url)
    app.config["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"] = url
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("postgresql"):
        # A database that does not answer fails a request in seconds (503) instead of hanging a worker.
        # (A connection that died while idle is replaced before use: database.configure_engine.)
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", 5)
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("CONTENT_DIR"):
        app.config["CONTENT_DIR"] = str(PROJECT_ROOT / "content")
    # Redis must never stand between a member and a saved answer: fall back to memory if it is down.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis", "rediss")):
        # A Redis that does not answer costs a request one second, never a hung worker.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 1, "socket_connect_timeout": 1})
