"""/api/v1/audit: the seals over the log, their signed statements, and the public key."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from web.api.auth import roles
from web.api.common import Time

blp = Blueprint("audit", __name__, description="Tamper evidence: seals and signed statements")


class PublicKeySchema(Schema):
    algorithm = fields.String(required=True)
    public_key = fields.String(required=True, metadata={"description": "raw key, base64"})


class SealSchema(Schema):
    seal_no = fields.Integer(required=True)
    sealed_at = Time(required=True)
    last_notification_id = fields.Integer(required=True)
    log_hash = fields.String(required=True)
    seal_hash = fields.String(required=True)
    previous = fields.String(required=True)


class StatementSchema(Schema):
    community = fields.String(required=True)
    seal_no = fields.Integer(required=True)
    sealed_at = fields.String(required=True)
    last_notification_id = fields.Integer(required=True)
    log_hash = fields.String(required=True)
    seal_hash = fields.String(required=True)
    previous = fields.String(required=True)
    public_key = fields.String(required=True)
    algorithm = fields.String(required=True)
    signature = fields.String(required=True)


def _services() -> Any:
    from web import services

    return services()


def _key() -> Any:
    from web.statements import SigningKeyMissingError, signing_key

    try:
        return signing_key(_services().settings.signing_key)
    except SigningKeyMissingError:
        abort(404, description="this service has no signing key configured")


@blp.route("/audit/public-key")
class PublicKey(MethodView):
    @blp.response(200, PublicKeySchema)
    @blp.doc(security=[])
    def get(self) -> dict[str, str]:
        """The public half of the key that signs seal statements (anyone may fetch it)."""
        from web.statements import public_key_text

        return {"algorithm": "Ed25519", "public_key": public_key_text(_key())}


@blp.route("/audit/seals")
class Seals(MethodView):
    @roles("secretary", "auditor")
    @blp.response(200, SealSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Every seal over the log, oldest first."""
        running = _services()
        return [
            {**s, "sealed_at": running.view.store.from_db_time(s["sealed_at"])}
            for s in running.seals.all()
        ]


@blp.route("/audit/seals/<int:seal_no>/statement")
class Statement(MethodView):
    @roles("secretary", "auditor")
    @blp.response(200, StatementSchema)
    def get(self, seal_no: int) -> dict[str, Any]:
        """One seal as a statement signed with the service's Ed25519 key."""
        from web.statements import sign_seal

        running = _services()
        chosen = [s for s in running.seals.all() if int(s["seal_no"]) == seal_no]
        if not chosen:
            abort(404, description=f"no seal {seal_no}")
        key = _key()
        return sign_seal(chosen[0], running.settings.communities[0].id, key)
