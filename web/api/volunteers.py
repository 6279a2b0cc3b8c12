"""/api/v1/volunteer-groups: each block's volunteer group (志愿者组团), kept by its block leader:
its name and leader, its volunteers with phone, skills and availability. The volunteers' names
and phones are theirs: shown to the committee only (partners see no group), every read noted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g, url_for
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from web.access import (
    LEADERS,
    READERS,
    check_block_allowed,
    check_need,
    need_in_scope,
    scoped_blocks,
    volunteer_group_in_scope,
)
from web.access.volunteers import check_volunteer_account
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    OCCURRED_AT,
    command_opts,
    etag,
    shows,
)
from web.api.parsing import Blueprint
from web.api.schemas import NeedSchema
from web.bootstrap import services
from web.operations.representation import Time
from web.operations.volunteering import assign_volunteer

blp = Blueprint("volunteers", __name__, description="Volunteer groups (志愿者组团), one per block")
SHORT = validate.Length(min=1, max=100)


class VolunteerSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    contact_phone = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    availability = fields.String(required=True)
    added_at = Time(required=True)
    account = fields.String(
        required=True, metadata={"description": "the volunteer's account ('' for none)"}
    )


class VolunteerGroupSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    block = fields.String(required=True)
    name = fields.String(required=True)
    leader = fields.String(required=True)
    formed_at = Time(required=True)
    members = fields.List(fields.Nested(VolunteerSchema), required=True)


class VolunteerGroupListSchema(Schema):
    items = fields.List(fields.Nested(VolunteerGroupSchema), required=True)


class GroupArgsSchema(Schema):
    block = fields.String(validate=validate.Length(min=1, max=20))


class NewGroupSchema(Schema):
    block = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name = fields.String(required=True, validate=SHORT)
    leader = fields.String(required=True, validate=validate.Length(min=1, max=150))


class NewVolunteerSchema(Schema):
    name = fields.String(required=True, validate=SHORT)
    contact_phone = fields.String(load_default="", validate=validate.Length(max=30))
    skills = fields.List(
        fields.String(validate=validate.Length(min=1, max=50)),
        load_default=list,
        validate=validate.Length(max=10),
    )
    availability = fields.String(load_default="", validate=validate.Length(max=200))
    account = fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={"description": "the volunteer's account (role volunteer, the group's block)"},
    )


@blp.route("/volunteer-groups")
class VolunteerGroups(MethodView):
    @roles(*READERS)
    @blp.arguments(GroupArgsSchema, location="query")
    @blp.response(200, VolunteerGroupListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The volunteer groups of your blocks, with their volunteers."""
        blocks = scoped_blocks(args.get("block"))
        groups = services().duties.list_volunteer_groups(g.user.community)
        shown = [
            volunteer_group_in_scope(x["id"])
            for x in groups
            if blocks is None or x["block"] in blocks
        ]
        return {"items": shown}

    @roles(*LEADERS)
    @blp.arguments(NewGroupSchema)
    @blp.response(201, VolunteerGroupSchema)
    @blp.alt_response(403, description="not your block")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Any:
        """Form a volunteer group for a block of yours."""
        check_block_allowed(args["block"])
        group_id = services().duties.form_volunteer_group(
            community=g.user.community, actor=g.user.username, **args
        )
        group = volunteer_group_in_scope(group_id)
        headers = {
            **etag(group["version"]),
            "Location": url_for("volunteers.VolunteerGroup", group_id=group_id),
        }
        return group, 201, headers


@blp.route("/volunteer-groups/<uuid:group_id>")
class VolunteerGroup(MethodView):
    @roles(*READERS)
    @blp.response(200, VolunteerGroupSchema)
    def get(self, group_id: UUID) -> Any:
        """The group with its volunteers."""
        group = volunteer_group_in_scope(group_id)
        return group, 200, etag(group["version"])


@blp.route("/volunteer-groups/<uuid:group_id>/members")
class Volunteers(MethodView):
    @roles(*LEADERS)
    @blp.arguments(NewVolunteerSchema)
    @blp.response(200, VolunteerGroupSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], group_id: UUID) -> Any:
        """Add a volunteer (name, phone, skills, availability) to the group."""
        group = volunteer_group_in_scope(group_id)
        if args["account"]:
            check_volunteer_account(args["account"], group["block"])
        services().duties.add_volunteer(group_id, actor=g.user.username, **args)
        group = volunteer_group_in_scope(group_id)
        return group, 200, etag(group["version"])


class AssignVolunteerSchema(Schema):
    member_id = fields.UUID(
        required=True, metadata={"description": "a volunteer of the block's group"}
    )
    occurred_at = Time(**OCCURRED_AT)


@blp.route("/needs/<uuid:need_id>/volunteer")
class NeedVolunteer(MethodView):
    @roles(*LEADERS)
    @blp.arguments(AssignVolunteerSchema)
    @blp.response(200, NeedSchema)
    @blp.alt_response(409, description="the need is resolved")
    @blp.alt_response(412, description="If-Match is stale")
    @blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], need_id: UUID) -> Any:
        """Ask a volunteer of the block's group to help with the need; its owner stays."""
        current = check_need(need_id)
        assign_volunteer(services(), need_id, args["member_id"], **command_opts(args, current))
        need = need_in_scope(need_id, as_saved=True)
        shows("needs.Need", need_id=need_id)
        return need, 200, etag(need["version"])
