"""GET /api/v1/health: is the service up, and which store does it use."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from web.api.parsing import Blueprint
from web.bootstrap import services

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(Schema):
    status = fields.String(required=True)
    store = fields.String(required=True)
    version = fields.String(required=True)
    lag = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "events each follower of the log has yet to process"},
    )


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.doc(security=[])
    def get(self) -> dict[str, Any]:
        """Report that the service is up, the event store it uses, its version and how far
        each follower of the log lags behind it."""
        running = services()
        running.needs.recorder.max_notification_id()  # proves the store answers
        return {
            "status": "ok",
            "store": running.settings.store,
            "version": version("urgent-needs-menu"),
            "lag": {name: f.lag() for name, f in running.followers().items()},
        }
