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


class ServedKeySchema(Schema):
    key_id = fields.String(
        required=True, metadata={"description": "first 16 hex digits of SHA-256 of the raw key"}
    )
    public_key = fields.String(required=True, metadata={"description": "raw key, base64"})
    algorithm = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "`current` or `retired`"})


class PublicKeySchema(Schema):
    algorithm = fields.String(required=True)
    public_key = fields.String(required=True, metadata={"description": "raw key, base64"})
    key_id = fields.String(required=True)
    keys = fields.List(
        fields.Nested(ServedKeySchema),
        required=True,
        metadata={"description": "the current key, then those retired by a rotation"},
    )


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
    key_id = fields.String(required=True)
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
    def get(self) -> dict[str, Any]:
        """The public half of the key that signs seal statements, and of those it replaced
        (anyone may fetch them)."""
        from web.statements import served_keys

        keys = served_keys(_key(), _services().settings.signing_keys_retired)
        return {**{k: keys[0][k] for k in ("algorithm", "public_key", "key_id")}, "keys": keys}


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
