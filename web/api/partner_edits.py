"""/api/v1/partners/{id}/details, /services, /capacity, /contact, /pause, /resume, /history:
keeping a partner's entry current. The secretary edits everything; a partner's own staff keep
their capacity, pauses and contact current (another partner: 404; its categories, blocks, name,
kind and mode: 403, the committee's decision)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID

from flask import abort, g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kernel.errors import InvalidInputError
from partners.partner_rules import MAX_CAPACITY, MODES
from web.api.auth import roles
from web.api.common import IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER, command_opts
from web.api.parsing import Blueprint
from web.api.partners import (
    KINDS,
    Answer,
    ContactPersonSchema,
    EmptySchema,
    PartnerSchema,
    shown,
    version_of,
)
from web.bootstrap import services
from web.operations.representation import Time, code

blp = Blueprint("partner_edits", __name__, description="Keeping a partner's entry current")
CAPACITY = validate.Range(min=0, max=MAX_CAPACITY)


def reason_field() -> fields.String:
    """Why the change was made (kept in the partner's history)."""
    return fields.String(load_default="", validate=validate.Length(max=500))


class DetailsSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = code(KINDS, required=True)
    mode = fields.String(required=True, validate=validate.OneOf(("", *MODES)))
    reason = reason_field()


class ServicesSchema(Schema):
    categories = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    blocks = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": 'block codes, or ["*"] for all blocks'},
    )
    reason = reason_field()


class CapacitySchema(Schema):
    weekly_capacity = fields.Integer(
        strict=True, validate=CAPACITY, metadata={"description": "every week"}
    )
    this_week = fields.Integer(
        strict=True, validate=CAPACITY, metadata={"description": "this week only"}
    )
    reason = reason_field()

    class Meta:
        json_schema: ClassVar[Mapping[str, Any]] = {
            "anyOf": [{"required": ["weekly_capacity"]}, {"required": ["this_week"]}]
        }

    @validates_schema
    def says_something(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "weekly_capacity" not in data and "this_week" not in data:
            raise ValidationError("send weekly_capacity, this_week or both", "weekly_capacity")


class ContactSchema(Schema):
    contact = fields.String(
        required=True,
        validate=validate.Length(max=500),
        metadata={"description": "one line, as the directory lists it (the card is replaced)"},
    )
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    email = fields.String(load_default="", validate=validate.Length(max=200))
    address = fields.String(load_default="", validate=validate.Length(max=500))
    people = fields.List(
        fields.Nested(ContactPersonSchema), load_default=list, validate=validate.Length(max=20)
    )
    reason = reason_field()


class PauseSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PartnerEventSchema(Schema):
    version = fields.Integer(required=True)
    type = fields.String(required=True)
    occurred_at = Time(required=True)
    recorded_at = Time(required=True)
    actor = fields.String(required=True)
    data = fields.Dict(required=True)


class PartnerHistorySchema(Schema):
    events = fields.List(fields.Nested(PartnerEventSchema), required=True)


def own_partner(partner_id: UUID) -> int:
    """The partner's version; a partner's staff reach only their own partner (else 404)."""
    if g.user.role == "partner" and g.user.partner_id != partner_id:
        abort(404, description=f"no partner {partner_id}")
    return version_of(partner_id)


def documented(schema: type[Schema], *who: str) -> Any:
    """The body, the partner as the answer, 409, 412 and the headers a partner's command takes."""

    def decorate(post: Any) -> Any:
        post = blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER])(post)
        post = blp.alt_response(409, description="the partner's state forbids it")(post)
        post = blp.alt_response(412, description="If-Match is stale")(post)
        post = blp.response(200, PartnerSchema)(post)
        return roles(*who)(blp.arguments(schema)(post))

    return decorate


def check_services(args: dict[str, Any]) -> None:
    """Categories and blocks must be the community's; the refusal names the field."""
    community = services().needs.community(g.user.community)
    known_categories = {c.code for c in community.categories}
    known_blocks = {b.code for b in community.blocks} | {"*"}
    for field, known in (("categories", known_categories), ("blocks", known_blocks)):
        unknown = [value for value in args[field] if value not in known]
        if unknown:
            raise InvalidInputError(field, f"unknown {field}: {', '.join(unknown)}")


@blp.route("/partners/<uuid:partner_id>/details")
class PartnerDetails(MethodView):
    @documented(DetailsSchema, "secretary")
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Change the partner's name, kind and partnership mode (联建, 共建, 帮建)."""
        opts = command_opts(args, version_of(partner_id), keyed=False)
        services().partners.change_details(partner_id, **args, **opts)
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/services")
class PartnerServices(MethodView):
    @documented(ServicesSchema, "secretary")
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Change the categories the partner serves and the blocks it covers (or ["*"])."""
        opts = command_opts(args, version_of(partner_id), keyed=False)
        check_services(args)
        services().partners.change_services(partner_id, **args, **opts)
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/capacity")
class PartnerCapacity(MethodView):
    @documented(CapacitySchema, "secretary", "partner")
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Change the weekly capacity, or this week's alone (a partner's staff may too)."""
        opts = command_opts(args, own_partner(partner_id), keyed=False)
        running = services()
        today = running.casework.today()
        if "weekly_capacity" in args:
            running.partners.change_capacity(
                partner_id, weekly_capacity=args["weekly_capacity"], reason=args["reason"], **opts
            )
            opts["expected_version"] = None  # pinned once, for the whole request
        if "this_week" in args:
            running.partners.set_week_capacity(
                partner_id,
                week=today - timedelta(days=today.weekday()),
                weekly_capacity=args["this_week"],
                reason=args["reason"],
                **opts,
            )
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/contact")
class PartnerContact(MethodView):
    @documented(ContactSchema, "secretary", "partner")
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Change the partner's contact: a line, phone, email, address and named people."""
        opts = command_opts(args, own_partner(partner_id), keyed=False)
        services().partners.change_contact(partner_id, **args, **opts)
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/pause")
class PartnerPause(MethodView):
    @documented(PauseSchema, "secretary", "partner")
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """Pause new referrals from one day to another (both included), saying why; the
        partner takes referrals again by itself the day after."""
        opts = command_opts(args, own_partner(partner_id), keyed=False)
        services().partners.pause(partner_id, **args, **opts)
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/resume")
class PartnerResume(MethodView):
    @documented(EmptySchema, "secretary", "partner")
    def post(self, args: dict[str, Any], partner_id: UUID) -> Answer:
        """End a pause early."""
        opts = command_opts(args, own_partner(partner_id), keyed=False)
        services().partners.end_pause(partner_id, **opts)
        return shown(partner_id)


@blp.route("/partners/<uuid:partner_id>/history")
class PartnerHistory(MethodView):
    @roles("secretary", "auditor", "partner")
    @blp.response(200, PartnerHistorySchema)
    def get(self, partner_id: UUID) -> dict[str, Any]:
        """Every change to the partner, oldest first: who, when (both clocks), what and why."""
        own_partner(partner_id)
        return {"events": services().partners.get_history(partner_id)}
