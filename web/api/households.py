"""/api/v1/households: households, their watched members and their life events."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g, url_for
from flask.views import MethodView

from duties.values import local_day
from web.access import (
    LEADERS,
    READERS,
    check_block_allowed,
    household_in_scope,
    needs_in_scope,
    record_in_scope,
    scoped_blocks,
)
from web.api import duty_schemas as s
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    command_key,
    command_opts,
    etag,
    page_schema,
    paged,
    shows,
)
from web.api.household_schemas import HouseholdStorySchema
from web.api.parsing import Blueprint
from web.api.schemas import ReadsSchema
from web.bootstrap import services
from web.operations.household_story import household_need_rows, story

blp = Blueprint(
    "households", __name__, description="Households, their watched members and life events"
)
HouseholdPageSchema = page_schema(s.HouseholdDetailSchema, "HouseholdPage")


def answer(household_id: UUID, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The household's whole story: its needs, records, duties and the rest, newest first."""
    household = household_in_scope(household_id)
    running = services()
    household["needs"] = needs_in_scope(
        household_need_rows(running, household["community"], household_id)
    )
    household["records"] = [
        record_in_scope(r) for r in running.duties_view.household_records(household_id)
    ]
    household["story"] = story(household, household["needs"], household["records"])
    shows("households.Household", household_id=household_id)
    return household, status, etag(household["version"])


@blp.route("/households")
class Households(MethodView):
    @roles(*READERS)
    @blp.arguments(s.HouseholdArgsSchema, location="query")
    @blp.response(200, HouseholdPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Households within your scope, by block and building."""

        def fetch(limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
            ids, total = services().duties_view.list_households(
                g.user.community, scoped_blocks(args.get("block")), limit=limit, offset=offset
            )
            return [household_in_scope(i) for i in ids], total

        return paged(args, fetch)

    @roles(*LEADERS)
    @blp.arguments(s.NewHouseholdSchema)
    @blp.response(201, HouseholdStorySchema)
    @blp.alt_response(200, schema=HouseholdStorySchema, description="already registered there")
    @blp.alt_response(403, description="not your block")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Register the household at an address; one already registered there is returned."""
        check_block_allowed(args["block"])
        duties = services().duties
        number = duties.community(g.user.community).building_in_block(
            args["block"], args["building"]
        )
        address = (g.user.community, args["block"], number, args["unit"], args["room"])
        known = duties.find_household(*address)
        key = command_key()
        household_id = duties.register_household(
            community=g.user.community, actor=g.user.username, key=key, **args
        )
        registered_here = household_id != known or (key is not None and key.repeated)
        household, status, headers = answer(household_id, 201 if registered_here else 200)
        headers["Location"] = url_for("households.Household", household_id=household_id)
        return household, status, headers


@blp.route("/households/<uuid:household_id>")
class Household(MethodView):
    @roles(*READERS)
    @blp.response(200, HouseholdStorySchema)
    def get(self, household_id: UUID) -> Any:
        """The household's whole story: every need (open and closed), life event, watched
        member, duty and record, newest first."""
        return answer(household_id)


@blp.route("/households/<uuid:household_id>/reads")
class HouseholdReads(MethodView):
    @roles("secretary", "auditor")
    @blp.response(200, ReadsSchema)
    def get(self, household_id: UUID) -> dict[str, Any]:
        """Who was shown the household's personal data (its address, members, notes, its
        duties and records): when, which fields, where."""
        household_in_scope(household_id)
        return {"reads": services().access_log.reads_of(household_id)}


@blp.route("/households/<uuid:household_id>/life-events")
class LifeEvents(MethodView):
    @roles(*LEADERS)
    @blp.arguments(s.NewLifeEventSchema)
    @blp.response(200, HouseholdStorySchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
    def post(self, args: dict[str, Any], household_id: UUID) -> Any:
        """Record a life event (a must-visit); the visit it calls for falls due."""
        current = household_in_scope(household_id)["version"]
        services().duties.record_life_event(
            household_id, args["type"], args["note"], **command_opts(args, current)
        )
        return answer(household_id)


@blp.route("/households/<uuid:household_id>/groups")
class Groups(MethodView):
    @roles(*LEADERS)
    @blp.arguments(s.GroupChangeSchema)
    @blp.response(200, HouseholdStorySchema)
    @blp.alt_response(409, description="the member is in the group already, from another day")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
    def post(self, args: dict[str, Any], household_id: UUID) -> Any:
        """Put a member in a watched group (a must-ask), or take them out with `ends_on`."""
        current = household_in_scope(household_id)["version"]
        running = services()
        services().duties.place_in_group(
            household_id,
            args["member"],
            args["group"],
            args.get("starts_on") or local_day(running.clock.now()),
            args.get("ends_on"),
            **command_opts(args, current),
        )
        return answer(household_id)
