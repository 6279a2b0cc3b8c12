"""Delivery and composition root: the Flask app factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo

from web.account_services import check_demo_accounts
from web.bootstrap import services
from web.config import load_settings

__all__ = ["create_app", "services"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web application; the event store is opened lazily, after any fork."""
    app = Flask(__name__, instance_relative_config=True)
    overrides = dict(test_config or {})
    settings = load_settings(app.instance_path, overrides)
    app.config.update(SECRET_KEY=settings.secret_key, NEEDS_SETTINGS=settings)
    if settings.redis_url:  # else the limits count in the store (web/security.py)
        app.config["RATELIMIT_STORAGE_URI"] = settings.redis_url
    app.config.update({k: v for k, v in overrides.items() if k.isupper()})
    app.extensions["needs.clock"] = overrides.get("CLOCK")
    logging.basicConfig(level=logging.INFO)

    from web import access, api, cli, json_provider, pages, security, tasks

    json_provider.init_app(app)
    security.init_app(app)
    rest = api.init_app(app)
    access.init_app(app)
    pages.init_app(app, api_errors=rest.handle_http_exception)
    cli.init_app(app)
    tasks.init_app(app)
    app.teardown_appcontext(lambda exc: None)
    if not _loaded_by_flask_cli():
        # gunicorn, Celery and tests: refuse here, before anything is served, rather than answer
        # 500 to every request. The flask commands check when they build the services, so that
        # `users set-password` can still give a demo account a password of its own.
        check_demo_accounts(settings)
    return app


def _loaded_by_flask_cli() -> bool:
    """Whether the `flask` command is loading the app (its click context carries a ScriptInfo)."""
    context = click.get_current_context(silent=True)
    return context is not None and context.find_object(ScriptInfo) is not None
