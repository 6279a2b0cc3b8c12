"""/api/v1/handovers: hand a block, or some of its needs, to another leader — the caseload moves
with it (one `Assigned` per open case, reason "handover"); `dry_run` lists what would move."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, ClassVar

from flask import g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from web.api.auth import roles
from web.api.common import IDEMPOTENCY_PARAMETER
from web.api.parsing import Blueprint
from web.api.schemas import STATUSES, URGENCIES
from web.bootstrap import services
from web.operations.handover import hand_over_block, hand_over_needs
from web.operations.representation import Time, code

blp = Blueprint(
    "handovers", __name__, description="Handovers that move a block's caseload to another leader"
)


class HandoverSchema(Schema):
    class Meta:
        # A block, or some needs; from_leader only with a block.
        json_schema: ClassVar[Mapping[str, Any]] = {
            "oneOf": [
                {"required": ["block"], "not": {"required": ["need_ids"]}},
                {
                    "required": ["need_ids"],
                    "not": {"anyOf": [{"required": ["block"]}, {"required": ["from_leader"]}]},
                },
            ]
        }

    block = fields.String(
        validate=validate.Length(min=1, max=20),
        metadata={"description": "the block handed over (or name need_ids)"},
    )
    need_ids = fields.List(
        fields.UUID(),
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the needs reassigned (the board's bulk reassignment)"},
    )
    to_leader = fields.String(required=True, validate=validate.Length(min=1, max=150))
    from_leader = fields.String(
        validate=validate.Length(min=1, max=150),
        metadata={"description": "with block: only this leader's cases (default: every leader's)"},
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "list what would move; change nothing"}
    )

    @validates_schema
    def block_or_needs(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("block" in data) == ("need_ids" in data):
            raise ValidationError("hand over either a block or need_ids", "block")
        if "from_leader" in data and "block" not in data:
            raise ValidationError("from_leader goes with a block", "from_leader")


class MovedNeedSchema(Schema):
    need_id = fields.UUID(required=True)
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    category = fields.String(required=True)
    urgency = code(URGENCIES, required=True)
    status = code(STATUSES, required=True)
    assignee_before = fields.String(allow_none=True, required=True)


class MovedDutySchema(Schema):
    duty_id = fields.UUID(required=True)
    household_id = fields.UUID(required=True)
    block = fields.String(required=True)
    kind = fields.String(required=True)
    reason = fields.String(required=True)
    due_at = Time(required=True)


class HandoverResultSchema(Schema):
    to_leader = fields.String(required=True)
    block = fields.String(allow_none=True, required=True)
    dry_run = fields.Boolean(required=True)
    needs = fields.List(
        fields.Nested(MovedNeedSchema),
        required=True,
        metadata={"description": "the open needs assigned to to_leader (or that would be)"},
    )
    duties = fields.List(
        fields.Nested(MovedDutySchema),
        required=True,
        metadata={"description": "the block's open visits and asks, which follow the block"},
    )
    leaders_before = fields.List(fields.String(), required=True)
    still_leading = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "previous leaders for whom it was their only block: they keep "
            "it until their account is disabled"
        },
    )


@blp.route("/handovers")
class Handovers(MethodView):
    @roles("secretary")
    @blp.arguments(HandoverSchema)
    @blp.response(200, HandoverResultSchema)
    @blp.alt_response(404, description="a need of need_ids is not in your community")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Hand a block (or some needs) to another leader; their open cases move with it, one
        `Assigned` each (reason "handover"). Safe to send twice; `dry_run` changes nothing.
        To someone who is not a block leader, or of a block to its own leader: 422."""
        running, user = services(), g.user
        common = {
            "to_leader": args["to_leader"],
            "actor": user.username,
            "dry_run": args["dry_run"],
        }
        if "block" in args:
            done = hand_over_block(
                running,
                community=user.community,
                block=args["block"],
                from_leader=args.get("from_leader"),
                **common,
            )
        else:
            done = hand_over_needs(
                running, community=user.community, need_ids=args["need_ids"], **common
            )
        return asdict(done)
