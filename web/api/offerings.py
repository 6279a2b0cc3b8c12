"""/api/v1/offerings: the partners' resource list (资源清单) — what each offers, where and when —
and referring a need straight to an offering."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar
from uuid import UUID, uuid5

from flask import abort, g, url_for
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from partners.offerings import OfferingRecord
from partners.schedules import KINDS
from web.access import check_need, referral_in_scope
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    PageArgsSchema,
    command_opts,
    etag,
    page_of,
    page_schema,
    shows,
)
from web.api.parsing import Blueprint
from web.api.partner_edits import PartnerHistorySchema
from web.bootstrap import services
from web.operations.offering_referrals import refer_to_offering
from web.operations.representation import ReferralSchema, Time

blp = Blueprint("offerings", __name__, description="The partners' resource list")
HH_MM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="a time, HH:MM")
Answer = tuple[dict[str, Any], int, dict[str, str]]
DOC = {"parameters": [IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER]}


class ScheduleSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    on = fields.Date(metadata={"description": "the day of a one-off session"})
    weekday = fields.Integer(
        strict=True, validate=validate.Range(1, 7), metadata={"description": "1 Monday … 7 Sunday"}
    )
    nth = fields.Integer(
        strict=True,
        validate=validate.OneOf((-1, 1, 2, 3, 4, 5)),
        metadata={"description": "monthly: the nth such weekday (-1: the last)"},
    )
    starts_on = fields.Date()
    ends_on = fields.Date()
    opens_at = fields.String(load_default="09:00", validate=HH_MM)
    closes_at = fields.String(load_default="11:00", validate=HH_MM)

    class Meta:
        json_schema: ClassVar[Mapping[str, Any]] = {
            "oneOf": [
                {"properties": {"kind": {"enum": ["once"]}}, "required": ["on"]},
                {"properties": {"kind": {"enum": ["weekly"]}}, "required": ["weekday"]},
                {"properties": {"kind": {"enum": ["monthly"]}}, "required": ["weekday", "nth"]},
            ]
        }


class OfferingDetailsSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    category = fields.String(validate=validate.Length(min=1, max=50))
    block = fields.String(
        validate=validate.Length(min=1, max=50), metadata={"description": 'a block code, or "*"'}
    )
    description = fields.String(validate=validate.Length(max=1000))
    eligibility = fields.String(validate=validate.Length(max=500))
    where = fields.String(validate=validate.Length(max=200))
    how_to_book = fields.String(validate=validate.Length(max=500))
    schedule = fields.Nested(ScheduleSchema)
    capacity = fields.Integer(
        strict=True, validate=validate.Range(0, 10_000), metadata={"description": "per session"}
    )


class OfferSchema(OfferingDetailsSchema):
    partner_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, validate=validate.Length(min=1, max=50))
    schedule = fields.Nested(ScheduleSchema, required=True)


class ChangeOfferingSchema(OfferingDetailsSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class WithdrawOfferingSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class ReferToOfferingSchema(Schema):
    need_id = fields.UUID(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class OfferingSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    community = fields.String(required=True)
    partner_id = fields.UUID(required=True)
    partner_name = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    block = fields.String(required=True)
    description = fields.String(required=True)
    eligibility = fields.String(required=True)
    where = fields.String(required=True)
    how_to_book = fields.String(required=True)
    schedule = fields.Dict(required=True)
    capacity = fields.Integer(required=True)
    withdrawn = fields.Boolean(required=True)
    next_session = fields.Date(allow_none=True, required=True)
    listed_at = Time(required=True)
    updated_at = Time(required=True)


class OfferingArgsSchema(PageArgsSchema):
    category = fields.String(validate=validate.Length(max=50))
    block = fields.String(validate=validate.Length(max=50))
    on = fields.Date(metadata={"description": "only offerings with a session that day"})
    partner_id = fields.UUID()


OfferingPageSchema = page_schema(OfferingSchema, "OfferingPage")


def body_of(record: OfferingRecord, today: date) -> dict[str, Any]:
    """An offering as the API shows it."""
    partner = services().partners.get_partner(record.partner_id)
    return {
        **record.__dict__,
        "id": record.offering_id,
        "partner_name": partner.name,
        "next_session": record.next_session(today),
    }


def shown(offering_id: UUID, status: int = 200) -> Answer:
    """An offering of the caller's community, with its ETag."""
    running = services()
    record = running.partners.offerings.get(offering_id)
    if record.community != g.user.community:
        abort(404, description=f"no offering {offering_id}")
    shows("offerings.Offering", offering_id=offering_id)
    return body_of(record, running.casework.today()), status, etag(record.version)


def own(offering_id: UUID) -> int:
    """The offering's version; a partner's staff reach only their partner's (else 404)."""
    body, _, _ = shown(offering_id)
    if g.user.role == "partner" and g.user.partner_id != body["partner_id"]:
        abort(404, description=f"no offering {offering_id}")
    return int(body["version"])


def check_codes(details: dict[str, Any]) -> None:
    """Category and block must be the community's (the refusal names the field)."""
    community = services().needs.community(g.user.community)
    if "category" in details:
        community.category(details["category"])
    if details.get("block", "*") != "*":
        community.block(details["block"])


@blp.route("/offerings")
class Offerings(MethodView):
    @blp.arguments(OfferingArgsSchema, location="query")
    @blp.response(200, OfferingPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The resource list, by category then title; `on` answers what is on that day."""
        running = services()
        filters = {k: args[k] for k in ("category", "block", "on", "partner_id") if k in args}
        records = running.partners.offerings.list_offerings(g.user.community, **filters)
        start = (args["page"] - 1) * args["per_page"]
        today = running.casework.today()
        items = [body_of(r, today) for r in records[start : start + args["per_page"]]]
        return page_of(items, len(records), args)

    @roles("secretary", "partner")
    @blp.arguments(OfferSchema)
    @blp.response(201, OfferingSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Any:
        """List an offering of a partner (a partner's staff: of their own partner)."""
        if g.user.role == "partner" and g.user.partner_id != args["partner_id"]:
            abort(403, description="you may list only your own partner's offerings")
        check_codes(args)
        partner = services().partners.get_partner(args["partner_id"])
        if partner.community != g.user.community:
            abort(404, description=f"no partner {args['partner_id']}")
        key = getattr(g, "idempotency_key", None)
        offering_id = services().partners.offerings.offer(
            community=g.user.community,
            actor=g.user.username,
            offering_id=uuid5(partner.partner_id, f"{g.user.username}:{key}") if key else None,
            **args,
        )
        body, status, headers = shown(offering_id, 201)
        headers["Location"] = url_for("offerings.Offering", offering_id=offering_id)
        return body, status, headers


@blp.route("/offerings/<uuid:offering_id>")
class Offering(MethodView):
    @blp.response(200, OfferingSchema)
    def get(self, offering_id: UUID) -> Any:
        """One offering, with its next session."""
        return shown(offering_id)


@blp.route("/offerings/<uuid:offering_id>/history")
class OfferingHistory(MethodView):
    @blp.response(200, PartnerHistorySchema)
    def get(self, offering_id: UUID) -> dict[str, Any]:
        """Every change to the offering, oldest first: who, when (both clocks), what and why."""
        shown(offering_id)
        return {"events": services().partners.offerings.get_history(offering_id)}


@blp.route("/offerings/<uuid:offering_id>/change")
class OfferingChange(MethodView):
    @roles("secretary", "partner")
    @blp.arguments(ChangeOfferingSchema)
    @blp.response(200, OfferingSchema)
    @blp.alt_response(409, description="the offering is withdrawn")
    @blp.alt_response(412, description="If-Match is stale")
    @blp.doc(**DOC)
    def post(self, args: dict[str, Any], offering_id: UUID) -> Any:
        """Change what, where or when; what is not sent stays as it was."""
        opts = command_opts(args, own(offering_id), keyed=False)
        check_codes(args)
        reason = args.pop("reason")
        services().partners.offerings.change(offering_id, details=args, reason=reason, **opts)
        return shown(offering_id)


@blp.route("/offerings/<uuid:offering_id>/withdraw")
class OfferingWithdraw(MethodView):
    @roles("secretary", "partner")
    @blp.arguments(WithdrawOfferingSchema)
    @blp.response(200, OfferingSchema)
    @blp.alt_response(409, description="the offering is withdrawn already")
    @blp.alt_response(412, description="If-Match is stale")
    @blp.doc(**DOC)
    def post(self, args: dict[str, Any], offering_id: UUID) -> Any:
        """Take the offering off the resource list."""
        opts = command_opts(args, own(offering_id), keyed=False)
        services().partners.offerings.withdraw(offering_id, reason=args["reason"], **opts)
        return shown(offering_id)


@blp.route("/offerings/<uuid:offering_id>/referrals")
class OfferingReferrals(MethodView):
    @roles("secretary", "block_leader")
    @blp.arguments(ReferToOfferingSchema)
    @blp.response(201, ReferralSchema)
    @blp.alt_response(409, description="the offering or its partner may not take this need")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], offering_id: UUID) -> Any:
        """Refer a need to the offering's partner; the referral's note names the offering."""
        need_id = args["need_id"]
        check_need(need_id)
        shown(offering_id)
        key = getattr(g, "idempotency_key", None)
        running = services()
        referral_id = refer_to_offering(
            running.casework,
            offering_id,
            need_id,
            args["note"],
            community=g.user.community,
            actor=g.user.username,
            may_override=g.user.role == "secretary",
            referral_id=uuid5(need_id, f"{g.user.username}:{key}") if key else None,
        )
        referral = referral_in_scope(referral_id)  # the read noted in who-looked
        shows("referrals.Referral", referral_id=referral_id)
        headers = {**etag(referral["version"]), "Location": f"/api/v1/referrals/{referral_id}"}
        return referral, 201, headers
