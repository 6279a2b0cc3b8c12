"""/api/v1/partners: the directory of co-building partners (联建单位)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from flask import abort, g, url_for
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from partners.domain import PartnerKind
from partners.partner_rules import MODES
from partners.views import PartnerRecord
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    PageArgsSchema,
    command_key,
    command_opts,
    etag,
    page_of,
    page_schema,
    shown_once,
    shows,
)
from web.api.parsing import Blueprint
from web.api.schemas import StrictBoolean
from web.bootstrap import services
from web.operations.representation import Time, code, codes

blp = Blueprint("partners", __name__, description="The partner directory")
KINDS = codes(PartnerKind)


class ContactPersonSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(load_default="", validate=validate.Length(max=200))
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    published = StrictBoolean(
        load_default=False, metadata={"description": "the partner agreed to publish this contact"}
    )


class PartnerSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    community = fields.String(required=True)
    name = fields.String(required=True)
    kind = code(KINDS, required=True)
    categories = fields.List(fields.String(), required=True)
    blocks = fields.List(fields.String(), required=True)
    weekly_capacity = fields.Integer(required=True)
    contact = fields.String(required=True)
    active = fields.Boolean(required=True)
    webhook_url = fields.String(allow_none=True, required=True)
    registered_at = Time(required=True)
    updated_at = Time(required=True)
    mode = fields.String(
        required=True,
        validate=validate.OneOf(("", *MODES)),
        metadata={"description": "partnership mode: 联建, 共建 or 帮建 (empty: not yet said)"},
    )
    phone = fields.String(required=True)
    email = fields.String(required=True)
    address = fields.String(required=True)
    people = fields.List(fields.Nested(ContactPersonSchema), required=True)
    paused_from = fields.String(
        allow_none=True, required=True, metadata={"description": "first day of a pause"}
    )
    paused_until = fields.String(
        allow_none=True, required=True, metadata={"description": "last day of a pause"}
    )
    pause_reason = fields.String(required=True)
    paused = fields.Boolean(required=True, metadata={"description": "paused today"})
    this_week_capacity = fields.Integer(
        required=True, metadata={"description": "referrals it takes this week (as it said)"}
    )


class PartnerWithSecretSchema(PartnerSchema):
    webhook_secret = fields.String(metadata={"description": "shown once, when the webhook is set"})


class RegisterPartnerSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = code(KINDS, required=True)
    categories = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    blocks = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": 'block codes, or ["*"] for all blocks'},
    )
    weekly_capacity = fields.Integer(required=True, validate=validate.Range(min=0, max=10_000))
    contact = fields.String(load_default="", validate=validate.Length(max=500))
    mode = fields.String(load_default="", validate=validate.OneOf(("", *MODES)))
    webhook_url = fields.URL(schemes={"http", "https"}, require_tld=False)


class SuspendSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class EmptySchema(Schema):
    pass


class WebhookSchema(Schema):
    webhook_url = fields.URL(required=True, schemes={"http", "https"}, require_tld=False)


Answer = tuple[dict[str, Any], int, dict[str, str]]


def shown(partner_id: UUID, status: int = 200, secret: str | None = None) -> Answer:
    """A partner of the caller's community, with its ETag (and a new secret, once)."""
    record = services().partners.get_partner(partner_id)
    if record.community != g.user.community:
        abort(404, description=f"no partner {partner_id}")
    body = partner_body(record, services().casework.today())
    if secret:
        body["webhook_secret"] = secret
        shown_once()
    else:
        shows("partners.Partner", partner_id=partner_id)
    return body, status, etag(record.version)


def partner_body(record: PartnerRecord, today: date) -> dict[str, Any]:
    """A partner record as the API shows it."""
    return {
        **record.__dict__,
        "id": record.partner_id,
        "webhook_url": record.webhook_url or None,
        "people": list(record.people),
        "paused_from": record.paused_from or None,
        "paused_until": record.paused_until or None,
        "this_week_capacity": record.capacity_for(today),
        "paused": record.paused_on(today),
    }


def version_of(partner_id: UUID) -> int:
    """404 unless the partner is of the caller's community; its version (what If-Match names)."""
    return int(shown(partner_id)[0]["version"])


def check_codes(args: dict[str, Any]) -> None:
    """Categories and blocks must be this community's."""
    community = services().needs.community(g.user.community)
    for category in args["categories"]:
        community.category(category)
    for block in args["blocks"]:
        if block != "*":
            community.block(block)


PartnerPageSchema = page_schema(PartnerSchema, "PartnerPage")


@blp.route("/partners")
class Partners(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, PartnerPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The community's partners, by name."""
        records = services().partners.list_partners(g.user.community)
        start = (args["page"] - 1) * args["per_page"]
        today = services().casework.today()
        items = [partner_body(r, today) for r in records[start : start + args["per_page"]]]
        return page_of(items, len(records), args)

    @roles("secretary")
    @blp.arguments(RegisterPartnerSchema)
    @blp.response(201, PartnerWithSecretSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Any:
        """Register a partner; with a webhook_url the answer carries its secret, once."""
        check_codes(args)
        running = services()
        partner_id = running.partners.register_partner(
            community=g.user.community, actor=g.user.username, key=command_key(), **args
        )
        secret = running.partners.webhook_secret(partner_id) if args.get("webhook_url") else None
        body, status, headers = shown(partner_id, 201, secret)
        headers["Location"] = url_for("partners.Partner", partner_id=partner_id)
        return body, status, headers


@blp.route("/partners/<uuid:partner_id>")
class Partner(MethodView):
    @blp.response(200, PartnerSchema)
    def get(self, partner_id: UUID) -> Any:
        """One partner."""
        return shown(partner_id)


CommandView = Callable[..., Answer]


def partner_command(
    schema: type[Schema], response: type[Schema] = PartnerSchema
) -> Callable[[CommandView], CommandView]:
    """What the secretary's commands on a partner share: the body, the partner as the answer,
    409 and 412, and the If-Match and Idempotency-Key headers."""

    def decorate(post: CommandView) -> CommandView:
        post = blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER])(post)
        post = blp.alt_response(409, description="the partner's state forbids it")(post)
        post = blp.alt_response(412, description="If-Match is stale")(post)
        post = blp.response(200, response)(post)
        return roles("secretary")(blp.arguments(schema)(post))

    return decorate


@blp.route("/partners/<uuid:partner_id>/suspend")
class PartnerSuspend(MethodView):
    @partner_command(SuspendSchema)
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Suspend the partner: it gets no new referrals."""
        opts = command_opts(args, version_of(partner_id), keyed=False)
        services().partners.suspend_partner(partner_id, reason=args["reason"], **opts)
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/reactivate")
class PartnerReactivate(MethodView):
    @partner_command(EmptySchema)
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Let a suspended partner receive referrals again."""
        opts = command_opts(args, version_of(partner_id), keyed=False)
        services().partners.reactivate_partner(partner_id, **opts)
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/webhook")
class PartnerWebhook(MethodView):
    @partner_command(WebhookSchema, PartnerWithSecretSchema)
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Set or change the webhook; the answer carries a new secret, shown once."""
        opts = command_opts(args, version_of(partner_id), keyed=False)
        secret = services().partners.set_webhook(
            partner_id, webhook_url=args["webhook_url"], **opts
        )
        return shown(partner_id, secret=secret)
