"""/api/v1/audit: the seals over the log, their signed statements, the public keys, and a
case's exported record (/needs/{id}/export, JSON or PDF)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, abort, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from web.api import schemas as s
from web.api.auth import roles
from web.api.parsing import Blueprint
from web.bootstrap import services
from web.operations.representation import Time

blp = Blueprint(
    "audit", __name__, description="Tamper evidence: seals, signed statements, case exports"
)


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


class ChangeSchema(Schema):
    field = fields.String(required=True, metadata={"description": "dotted path in the need"})
    before = fields.Raw(required=True, allow_none=True)
    after = fields.Raw(required=True, allow_none=True)


class ExportEventSchema(s.EventSchema):
    changes = fields.List(
        fields.Nested(ChangeSchema),
        required=True,
        metadata={"description": "what the event changed in the need, field by field"},
    )


class ExportVerificationSchema(s.VerificationSchema):
    first_broken_version = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null while intact"}
    )


class ExportSchema(Schema):
    need = fields.Nested(s.NeedSchema, required=True)
    events = fields.List(fields.Nested(ExportEventSchema), required=True)
    verification = fields.Nested(ExportVerificationSchema, required=True)
    exported_at = Time(required=True)
    exported_by = fields.String(required=True)


class ExportArgsSchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "pdf"]))


# flask-smorest's doc() replaces a response's content, so JSON is named again beside the PDF.
EXPORT_CONTENT = {
    "application/json": {"schema": ExportSchema},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
}


def _key() -> Any:
    from store.statements import SigningKeyMissingError, signing_key

    try:
        return signing_key(services().settings.signing_key)
    except SigningKeyMissingError:
        abort(404, description="this service has no signing key configured")


@blp.route("/audit/public-key")
class PublicKey(MethodView):
    @blp.response(200, PublicKeySchema)
    @blp.alt_response(404, description="this service has no signing key configured")
    @blp.doc(security=[])
    def get(self) -> dict[str, Any]:
        """The public half of the key that signs seal statements, and of those it replaced
        (anyone may fetch them)."""
        from store.statements import served_keys

        keys = served_keys(_key(), services().settings.signing_keys_retired)
        return {**{k: keys[0][k] for k in ("algorithm", "public_key", "key_id")}, "keys": keys}


@blp.route("/audit/seals")
class Seals(MethodView):
    @roles("secretary", "auditor")
    @blp.response(200, SealSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Every seal over the log, oldest first."""
        running = services()
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
        from store.statements import sign_seal

        running = services()
        chosen = [s for s in running.seals.all() if int(s["seal_no"]) == seal_no]
        if not chosen:
            abort(404, description=f"no seal {seal_no}")
        key = _key()
        return sign_seal(chosen[0], running.settings.communities[0].id, key)


@blp.route("/needs/<uuid:need_id>/export")
class Export(MethodView):
    @roles("secretary", "auditor")
    @blp.arguments(ExportArgsSchema, location="query")
    @blp.response(200, ExportSchema)
    @blp.doc(responses={"200": {"description": "OK", "content": EXPORT_CONTENT}})
    def get(self, args: dict[str, Any], need_id: UUID) -> Any:
        """The whole case for the record: its state now, every event with its hash and what it
        changed, its verification, and who exported it when; `?format=pdf` for print."""
        if args["format"] == "pdf":
            from web.presentation.export_print import pdf_answer, record_of

            answer: Response = pdf_answer(record_of(need_id))
            return answer
        return export_json(need_id, g.user.username)


def export_json(need_id: UUID, exported_by: str) -> dict[str, Any]:
    """The export document with times inside event data and changes as the contract writes."""
    from web.access import need_in_scope
    from web.api.needs import iso_times
    from web.operations.export import export_case

    document = export_case(services(), need_in_scope(need_id), exported_by)
    for event in document["events"]:
        event["data"] = iso_times(event["data"])
        event["changes"] = iso_times(event["changes"])
    return document
