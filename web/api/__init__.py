"""The public JSON API under /api/v1 (flask-smorest)."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from web.api import health

API_PREFIX = "/api/v1"


def init_app(app: Flask) -> None:
    """Register the API's blueprints and its OpenAPI document."""
    app.config.setdefault("API_TITLE", "Menu of urgent needs (急难愁盼菜单)")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = Api(app)
    api.register_blueprint(health.blp, url_prefix=API_PREFIX)
