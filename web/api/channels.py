"""/api/v1/partners/{id}/channels and /api/v1/channels/test: where a partner is told of its
referrals — its webhook, email, a WeCom or DingTalk group robot, an SMS gateway — and a test
message sent through one of them. A channel's secrets (a robot's URL and token, a signing
secret, a gateway's key, the phone it texts) are never shown once they are set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from uuid import UUID, uuid5

from flask import abort, g, request, url_for
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from partners.channel_book import Channel, block_owner, partner_owner
from partners.channels import FIELDS, KINDS, WEBHOOK, checked_channel
from partners.exceptions import ChannelNotFoundError
from web.api.auth import roles
from web.api.common import IDEMPOTENCY_PARAMETER, command_key, shown_once, shows
from web.api.parsing import Blueprint
from web.bootstrap import Services, services
from web.operations.channel_senders import send_test
from web.operations.representation import Time, code

blp = Blueprint("channels", __name__, description="Where partners are told of their referrals")


class ChannelSchema(Schema):
    id = fields.UUID(required=True)
    kind = code(KINDS, required=True)
    name = fields.String(required=True)
    settings = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "what may be shown again; never a URL's token or a secret"},
    )
    created_by = fields.String(required=True)
    created_at = Time(required=True)
    last_test_at = Time(allow_none=True, required=True)
    last_test_ok = fields.Boolean(allow_none=True, required=True)
    last_test_error = fields.String(allow_none=True, required=True)


class ChannelWithSecretSchema(ChannelSchema):
    webhook_secret = fields.String(metadata={"description": "shown once, when a webhook is set"})


class ChannelListSchema(Schema):
    items = fields.List(fields.Nested(ChannelSchema), required=True)


def _settings_of_each_kind() -> dict[str, Any]:
    """What each kind takes, for the document: its own settings, all of them, and no other."""
    settings = sorted({field for taken in FIELDS.values() for field in taken})
    return {
        "oneOf": [
            {
                "properties": {"kind": {"enum": [kind]}},
                "required": list(taken),
                "not": {"anyOf": [{"required": [f]} for f in settings if f not in taken]},
            }
            for kind, taken in FIELDS.items()
        ]
    }


class AddChannelSchema(Schema):
    class Meta:
        json_schema: ClassVar[Mapping[str, Any]] = _settings_of_each_kind()

    kind = code(KINDS, required=True, metadata={"example": "wecom_robot"})
    name = fields.String(load_default="", validate=validate.Length(max=100))
    url = fields.String(
        validate=validate.Length(max=500),
        metadata={
            "description": "webhook, robot or SMS gateway address (https in production)",
            "example": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6",
        },
    )
    secret = fields.String(
        validate=validate.Length(max=500), metadata={"description": "DingTalk: SEC…"}
    )
    address = fields.String(validate=validate.Length(max=500), metadata={"description": "email"})
    sender_id = fields.String(validate=validate.Length(max=500), metadata={"description": "SMS"})
    template = fields.String(
        validate=validate.Length(max=500), metadata={"description": "SMS: must hold {link}"}
    )
    phone = fields.String(validate=validate.Length(max=500), metadata={"description": "SMS"})
    key = fields.String(
        validate=validate.Length(max=500), metadata={"description": "SMS gateway's HMAC key"}
    )


class TestChannelSchema(Schema):
    channel_id = fields.UUID(required=True)


class TestResultSchema(Schema):
    channel_id = fields.UUID(required=True)
    delivered = fields.Boolean(required=True)
    status_code = fields.Integer(allow_none=True, required=True)
    error = fields.String(allow_none=True, required=True)


def _partner(running: Services, partner_id: UUID) -> Any:
    """The partner, if the caller may see its channels (404 otherwise)."""
    record = running.partners.get_partner(partner_id)
    user = g.user
    if record.community != user.community or (
        user.role == "partner" and user.partner_id != partner_id
    ):
        abort(404, description=f"no partner {partner_id}")
    return record


def webhook_channel_id(partner_id: UUID) -> UUID:
    """The id the partner's webhook goes by among its channels."""
    return uuid5(partner_id, WEBHOOK)


def _webhook(record: Any) -> dict[str, Any]:
    return {
        "id": webhook_channel_id(record.partner_id),
        "kind": WEBHOOK,
        "name": WEBHOOK,
        "settings": {"url": record.webhook_url},
        "created_by": "",
        "created_at": record.updated_at,
        "last_test_at": None,
        "last_test_ok": None,
        "last_test_error": None,
    }


def shown_channel(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.channel_id,
        "kind": channel.kind,
        "name": channel.name,
        "settings": channel.shown,
        "created_by": channel.created_by,
        "created_at": channel.created_at,
        "last_test_at": channel.last_test_at,
        "last_test_ok": channel.last_test_ok,
        "last_test_error": channel.last_test_error,
    }


def _channels(running: Services, record: Any) -> list[dict[str, Any]]:
    book = running.channels.list_channels(record.community, partner_owner(record.partner_id))
    webhook = [_webhook(record)] if record.webhook_url else []
    return webhook + [shown_channel(channel) for channel in book]


@blp.route("/partners/<uuid:partner_id>/channels")
class PartnerChannels(MethodView):
    @roles("secretary", "auditor", "partner")
    @blp.response(200, ChannelListSchema)
    def get(self, partner_id: UUID) -> dict[str, Any]:
        """The partner's channels, its webhook first."""
        running = services()
        return {"items": _channels(running, _partner(running, partner_id))}

    @roles("secretary")
    @blp.arguments(AddChannelSchema)
    @blp.response(201, ChannelWithSecretSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], partner_id: UUID) -> Any:
        """Add a channel; a webhook's signing secret is in the answer, once."""
        running = services()
        record = _partner(running, partner_id)
        kind, name = args.pop("kind"), args.pop("name")
        settings = checked_channel(kind, name, args, running.settings.webhook_policy)
        if kind == WEBHOOK:
            return _set_webhook(running, partner_id, settings.shown["url"])
        key = command_key()
        channel_id = running.channels.add(
            record.community,
            partner_owner(partner_id),
            settings,
            actor=g.user.username,
            now=running.clock.now(),
            channel_id=key.makes("channel") if key is not None else None,
        )
        shows("channels.PartnerChannel", partner_id=partner_id, channel_id=channel_id)
        location = url_for("channels.PartnerChannel", partner_id=partner_id, channel_id=channel_id)
        channel = running.channels.get(record.community, channel_id)
        return shown_channel(channel), 201, {"Location": location}


def _set_webhook(running: Services, partner_id: UUID, url: str) -> Any:
    """The partner's webhook, set, with its new secret shown this once."""
    secret = running.partners.set_webhook(partner_id, webhook_url=url, actor=g.user.username)
    shown_once()
    record = running.partners.get_partner(partner_id)
    location = url_for(
        "channels.PartnerChannel", partner_id=partner_id, channel_id=webhook_channel_id(partner_id)
    )
    return {**_webhook(record), "webhook_secret": secret}, 201, {"Location": location}


@blp.route("/partners/<uuid:partner_id>/channels/<uuid:channel_id>")
class PartnerChannel(MethodView):
    @roles("secretary", "auditor", "partner")
    @blp.response(200, ChannelSchema)
    def get(self, partner_id: UUID, channel_id: UUID) -> dict[str, Any]:
        """One of the partner's channels."""
        running = services()
        for channel in _channels(running, _partner(running, partner_id)):
            if channel["id"] == channel_id:
                return channel
        raise ChannelNotFoundError(channel_id)

    @roles("secretary")
    @blp.response(204)
    def delete(self, partner_id: UUID, channel_id: UUID) -> None:
        """Remove a channel: nothing more goes to it."""
        running = services()
        record = _partner(running, partner_id)
        if channel_id == webhook_channel_id(partner_id) and record.webhook_url:
            running.partners.set_webhook(partner_id, webhook_url="", actor=g.user.username)
            return
        running.channels.remove(record.community, partner_owner(partner_id), channel_id)


@blp.route("/channels/test")
class ChannelTest(MethodView):
    @roles("secretary", "block_leader")
    @blp.arguments(TestChannelSchema)
    @blp.response(200, TestResultSchema)
    @blp.alt_response(404, description="no channel with that channel_id in the community")
    @blp.alt_response(409, description="the channel is not one a test message goes to")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Send a test message through a robot or SMS channel now; says how it went. A block
        leader tests their blocks' channels; the secretary any in the community."""
        running, channel_id = services(), args["channel_id"]
        channel = running.channels.get(g.user.community, channel_id)
        if g.user.role == "block_leader" and not _leads(channel.owner):
            raise ChannelNotFoundError(channel_id)  # a leader tests their blocks' channels only
        base = running.settings.extra.get("PUBLIC_URL") or request.host_url
        _, outcome = send_test(running, g.user.community, channel_id, base)
        return {"channel_id": channel_id, **outcome.__dict__}


def _leads(owner: str) -> bool:
    """Whether the caller leads the block that owns the channel."""
    return any(owner == block_owner(block) for block in g.user.blocks)
