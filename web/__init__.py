"""Delivery and composition root: the Flask app factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from web.bootstrap import services
from web.config import load_settings

__all__ = ["create_app", "services"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web application; the event store is opened lazily, after any fork."""
    app = Flask(__name__, instance_relative_config=True)
    overrides = dict(test_config or {})
    settings = load_settings(app.instance_path, overrides)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        NEEDS_SETTINGS=settings,
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
    )
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
    return app
