"""GET /api/v1/reminders: what needs the signed-in block leader (or the secretary) now."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from web.access import check_block_allowed
from web.api.auth import roles
from web.api.common import PageArgsSchema, page_of, page_schema
from web.api.parsing import Blueprint
from web.api.schemas import URGENCIES
from web.bootstrap import services
from web.operations.representation import Time, code

blp = Blueprint("reminders", __name__, description="What needs a block leader's attention")
KINDS = ("overdue", "escalated", "referral_expired", "referral_declined", "delivery_failed")


class ReminderSchema(Schema):
    kind = fields.String(
        required=True,
        metadata={
            "description": "overdue (no visit or referral in the first-contact time), escalated "
            "(no partner left), referral_expired, referral_declined (the case waits for you), "
            "delivery_failed (the partner could not be told of an open referral)",
            "enum": list(KINDS),
        },
    )
    need_id = fields.UUID(required=True)
    referral_id = fields.UUID(allow_none=True, required=True)
    partner_id = fields.UUID(allow_none=True, required=True)
    partner_name = fields.String(allow_none=True, required=True)
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    category = fields.String(required=True)
    urgency = code(URGENCIES, required=True)
    since = Time(required=True, metadata={"description": "since when it has needed you"})
    detail = fields.String(required=True, metadata={"description": "a reason, if there is one"})


class ReminderArgsSchema(PageArgsSchema):
    block = fields.String()


ReminderPageSchema = page_schema(ReminderSchema, "ReminderPage")


@blp.route("/reminders")
class Reminders(MethodView):
    @roles("block_leader", "secretary")
    @blp.arguments(ReminderArgsSchema, location="query")
    @blp.response(200, ReminderPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """What needs you, most urgent then oldest first: overdue needs, escalations, expired
        or declined referrals and notices that never reached the partner, in your blocks."""
        from web.operations.reminders import reminders_for

        user = g.user
        blocks = list(user.blocks) if user.role == "block_leader" else None
        if "block" in args:
            check_block_allowed(args["block"])
            blocks = [args["block"]]
        running = services()
        items = reminders_for(running, user.community, blocks, running.clock.now())
        start = (args["page"] - 1) * args["per_page"]
        return page_of(items[start : start + args["per_page"]], len(items), args)
