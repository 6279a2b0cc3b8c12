"""/api/v1/blocks/{code}/channels and /api/v1/secretary/channels: where the committee's own people
are told — a block's group robots and SMS (its leader's and its volunteers' groups: a need assigned,
a referral declined, an escalation, the day's digest) and the secretary's (escalations and the
digest). A block's leader keeps their block's channels; the secretary keeps every block's and
their own; the auditor reads them. Secrets are never shown once set, as for a partner's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, g, url_for
from flask.views import MethodView

from partners.channel_book import block_owner, secretary_owner
from partners.channels import DINGTALK, SMS, WECOM, checked_channel
from partners.exceptions import InvalidPartnerError
from web.access import may_see_block
from web.api.auth import roles
from web.api.channels import AddChannelSchema, ChannelListSchema, ChannelSchema, shown_channel
from web.api.common import IDEMPOTENCY_PARAMETER, command_key, shows
from web.api.parsing import Blueprint
from web.bootstrap import services

blp = Blueprint(
    "team_channels", __name__, description="Where block leaders and the secretary are told"
)
TEAM_KINDS = (WECOM, DINGTALK, SMS)


def _block(code: str) -> str:
    """The block's owner key, if it is the community's and the caller's (404 otherwise)."""
    community = services().needs.community(g.user.community)
    if code not in {block.code for block in community.blocks} or not may_see_block(code):
        abort(404, description=f"no block {code}")
    return block_owner(code)


def _add(owner: str, args: dict[str, Any]) -> tuple[UUID, dict[str, Any]]:
    """Keep a robot or SMS channel for the owner (422 for another kind)."""
    running = services()
    kind, name = args.pop("kind"), args.pop("name")
    if kind not in TEAM_KINDS:
        raise InvalidPartnerError(
            "kind", f"kind: the committee's channels are {', '.join(TEAM_KINDS)}"
        )
    settings = checked_channel(kind, name, args, running.settings.webhook_policy)
    key = command_key()
    channel_id = running.channels.add(
        g.user.community,
        owner,
        settings,
        actor=g.user.username,
        now=running.clock.now(),
        channel_id=key.makes("channel") if key is not None else None,
    )
    return channel_id, shown_channel(running.channels.get(g.user.community, channel_id))


def _one(owner: str, channel_id: UUID) -> dict[str, Any]:
    running = services()
    for channel in running.channels.list_channels(g.user.community, owner):
        if channel.channel_id == channel_id:
            return shown_channel(channel)
    abort(404, description=f"no channel {channel_id}")


def _listed(owner: str) -> dict[str, Any]:
    channels = services().channels.list_channels(g.user.community, owner)
    return {"items": [shown_channel(channel) for channel in channels]}


@blp.route("/blocks/<string:code>/channels")
class BlockChannels(MethodView):
    @roles("secretary", "auditor", "block_leader")
    @blp.response(200, ChannelListSchema)
    def get(self, code: str) -> dict[str, Any]:
        """The block's channels: its leader's and its volunteers' groups."""
        return _listed(_block(code))

    @roles("secretary", "block_leader")
    @blp.arguments(AddChannelSchema)
    @blp.response(201, ChannelSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], code: str) -> Any:
        """Add a WeCom or DingTalk robot or an SMS gateway to the block's channels."""
        channel_id, shown = _add(_block(code), args)
        shows("team_channels.BlockChannel", code=code, channel_id=channel_id)
        location = url_for("team_channels.BlockChannel", code=code, channel_id=channel_id)
        return shown, 201, {"Location": location}


@blp.route("/blocks/<string:code>/channels/<uuid:channel_id>")
class BlockChannel(MethodView):
    @roles("secretary", "auditor", "block_leader")
    @blp.response(200, ChannelSchema)
    def get(self, code: str, channel_id: UUID) -> dict[str, Any]:
        """One of the block's channels."""
        return _one(_block(code), channel_id)

    @roles("secretary", "block_leader")
    @blp.response(204)
    def delete(self, code: str, channel_id: UUID) -> None:
        """Remove a channel: nothing more goes to it."""
        services().channels.remove(g.user.community, _block(code), channel_id)


@blp.route("/secretary/channels")
class SecretaryChannels(MethodView):
    @roles("secretary", "auditor")
    @blp.response(200, ChannelListSchema)
    def get(self) -> dict[str, Any]:
        """The secretary's channels: escalations and the day's digest go there."""
        return _listed(secretary_owner(g.user.community))

    @roles("secretary")
    @blp.arguments(AddChannelSchema)
    @blp.response(201, ChannelSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Any:
        """Add a WeCom or DingTalk robot or an SMS gateway to the secretary's channels."""
        channel_id, shown = _add(secretary_owner(g.user.community), args)
        shows("team_channels.SecretaryChannel", channel_id=channel_id)
        location = url_for("team_channels.SecretaryChannel", channel_id=channel_id)
        return shown, 201, {"Location": location}


@blp.route("/secretary/channels/<uuid:channel_id>")
class SecretaryChannel(MethodView):
    @roles("secretary", "auditor")
    @blp.response(200, ChannelSchema)
    def get(self, channel_id: UUID) -> dict[str, Any]:
        """One of the secretary's channels."""
        return _one(secretary_owner(g.user.community), channel_id)

    @roles("secretary")
    @blp.response(204)
    def delete(self, channel_id: UUID) -> None:
        """Remove a channel: nothing more goes to it."""
        services().channels.remove(g.user.community, secretary_owner(g.user.community), channel_id)
