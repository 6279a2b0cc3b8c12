"""/api/v1/duties/{id}/volunteer and /api/v1/assigned-to-me: a duty asked of a volunteer of the
block's group (its leader still owns it), and a volunteer's "today": the needs and the duties
assigned to them, and only those (web/access/volunteers.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from web.access import LEADERS, duty_in_scope, need_in_scope
from web.access.volunteers import VOLUNTEER, my_volunteer_entry
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    OCCURRED_AT,
    command_opts,
    etag,
    shows,
)
from web.api.duty_schemas import DutySchema
from web.api.parsing import Blueprint
from web.api.schemas import NeedSchema
from web.bootstrap import services
from web.operations.representation import Time
from web.operations.volunteering import assign_duty_volunteer, assigned_work

blp = Blueprint(
    "volunteer_work", __name__, description="What is asked of a block's volunteers (志愿者)"
)


class AssignDutyVolunteerSchema(Schema):
    member_id = fields.UUID(
        required=True, metadata={"description": "a volunteer of the block's group"}
    )
    occurred_at = Time(**OCCURRED_AT)


class AssignedSchema(Schema):
    needs = fields.List(fields.Nested(NeedSchema), required=True)
    duties = fields.List(fields.Nested(DutySchema), required=True)


@blp.route("/duties/<uuid:duty_id>/volunteer")
class DutyVolunteer(MethodView):
    @roles(*LEADERS)
    @blp.arguments(AssignDutyVolunteerSchema)
    @blp.response(200, DutySchema)
    @blp.alt_response(409, description="the duty was discharged already")
    @blp.alt_response(412, description="If-Match is stale")
    @blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], duty_id: UUID) -> Any:
        """Ask a volunteer of the block's group to do the duty; the block's leader owns it."""
        current = duty_in_scope(duty_id)["version"]
        assign_duty_volunteer(services(), duty_id, args["member_id"], **command_opts(args, current))
        duty = duty_in_scope(duty_id)
        shows("duties.Duty", duty_id=duty_id)
        return duty, 200, etag(duty["version"])


@blp.route("/assigned-to-me")
class AssignedToMe(MethodView):
    @roles(VOLUNTEER)
    @blp.response(200, AssignedSchema)
    def get(self) -> dict[str, Any]:
        """A volunteer's "today": the needs (open, or resolved and awaiting the follow-up) and
        the open duties assigned to them."""
        entry = my_volunteer_entry()
        if entry is None:
            return {"needs": [], "duties": []}
        user = g.user
        need_ids, duty_ids = assigned_work(services(), user.community, user.blocks[0], entry)
        return {
            "needs": [need_in_scope(i) for i in need_ids],
            "duties": [duty_in_scope(i) for i in duty_ids],
        }
