"""Delivery and composition root: the Flask app factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from web.bootstrap import Services, build_services
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

    from web import api, cli, json_provider, pages, security, tasks

    json_provider.init_app(app)
    security.init_app(app)
    rest = api.init_app(app)
    pages.init_app(app, api_errors=rest.handle_http_exception)
    cli.init_app(app)
    tasks.init_app(app)
    app.teardown_appcontext(lambda exc: None)
    return app


def services(app: Flask | None = None) -> Services:
    """This process's services, built on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    built: Services | None = app.extensions.get("needs.services")
    if built is None:
        settings = app.config["NEEDS_SETTINGS"]
        built = build_services(settings, clock=app.extensions["needs.clock"])
        if settings.env == "production":
            from web.demo.accounts import refuse_demo_passwords

            try:
                refuse_demo_passwords(built)
            except Exception:
                built.close()
                raise
        app.extensions["needs.services"] = built
    return built
