"""Interactive API docs (Swagger UI) served by the service itself: no CDN is reachable
from phones behind the committee's network, and the Content-Security-Policy forbids one."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

from web.json_provider import MAX_DEPTH, MAX_DIGITS

DESCRIPTION = (
    "The menu of urgent needs (急难愁盼菜单): a residents' committee logs, routes and closes "
    "its residents' urgent needs with its co-building partners. Sign in with "
    "`POST /api/v1/auth/tokens`, then send `Authorization: Bearer <token>`. Errors always have "
    'the body `{"code", "status", "message"}` (plus `errors` for 422). Every POST accepts '
    "`Idempotency-Key`; every record has a `version` and an `ETag`, and commands accept "
    '`If-Match: "<version>"`. No text, in a body or a query, may hold a control character '
    "(tab, line feed and carriage return are text) or a lone surrogate: 422 naming the field. "
    f"JSON nested deeper than {MAX_DEPTH} levels or with a number longer than {MAX_DIGITS} "
    "digits is malformed (400). A webhook may not point into the service's own network, nor "
    "hold a user or password."
)

blp = Blueprint("docs", __name__, url_prefix="/api/v1/docs")


@blp.route("")
@blp.route("/")
def swagger_ui() -> str:
    """The interactive documentation page."""
    return render_template("api_docs.html", assets=url_for("docs.swagger_asset", filename=""))


@blp.route("/assets/<path:filename>")
def swagger_asset(filename: str) -> Response:
    """Swagger UI's own files, from the installed bundle."""
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
