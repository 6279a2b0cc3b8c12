"""/api/v1/duties: the visits and asks that fell due, and their discharge."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g
from flask.views import MethodView

from duties.values import day_end, local_day
from web.access import LEADERS, READERS, duty_in_scope, noted_duties, scoped_blocks
from web.access.volunteers import VOLUNTEER
from web.api import duty_schemas as s
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    command_opts,
    etag,
    page_of,
    page_schema,
    shows,
)
from web.api.parsing import Blueprint
from web.bootstrap import services

blp = Blueprint("duties", __name__, description="Must-visits and must-asks that fell due")
DutyPageSchema = page_schema(s.DutySchema, "DutyPage")


def list_duties(
    community: str, blocks: list[str] | None, due: str, limit: int = 200, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Open duties in scope, overdue first, then the most urgent, then the soonest due."""
    running = services()
    now = running.clock.now()
    rows, total = running.duties_view.list_duties(
        community, blocks, due, now, day_end(local_day(now)), limit=limit, offset=offset
    )
    return noted_duties([running.duties.get_duty(UUID(row["duty_id"])) for row in rows]), total


@blp.route("/duties")
class Duties(MethodView):
    @roles(*READERS)
    @blp.arguments(s.DutyArgsSchema, location="query")
    @blp.response(200, DutyPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Open duties in your blocks (Shanghai's today), overdue and most urgent first."""
        items, total = list_duties(
            g.user.community,
            scoped_blocks(args.get("block")),
            args["due"],
            limit=args["per_page"],
            offset=(args["page"] - 1) * args["per_page"],
        )
        return page_of(items, total, args)


@blp.route("/duties/<uuid:duty_id>")
class Duty(MethodView):
    @roles(*READERS, VOLUNTEER)
    @blp.response(200, s.DutySchema)
    def get(self, duty_id: UUID) -> Any:
        """One duty, with whether it is overdue."""
        return answer(duty_id)


@blp.route("/duties/<uuid:duty_id>/discharge")
class Discharge(MethodView):
    @roles(*LEADERS, VOLUNTEER)
    @blp.arguments(s.DischargeSchema, required=False)
    @blp.response(200, s.DutySchema)
    @blp.alt_response(409, description="the duty was discharged already")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
    def post(self, args: dict[str, Any], duty_id: UUID) -> Any:
        """Discharge the duty with the visit's or the contact's notes."""
        current = duty_in_scope(duty_id)["version"]
        services().duties.discharge_duty(duty_id, args["notes"], **command_opts(args, current))
        return answer(duty_id)


def answer(duty_id: UUID) -> tuple[dict[str, Any], int, dict[str, str]]:
    duty = duty_in_scope(duty_id)
    shows("duties.Duty", duty_id=duty_id)
    return duty, 200, etag(duty["version"])
