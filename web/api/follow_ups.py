"""/api/v1 follow-up visits (回访): record the resident's verdict on a resolved need, list the
follow-ups due, and the secretary's board of the share followed up and confirmed helped."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from web.access import LEADERS, READERS, check_need, need_in_scope, scoped_blocks
from web.access.volunteers import VOLUNTEER
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    OCCURRED_AT,
    PageArgsSchema,
    command_opts,
    etag,
    page_of,
    page_schema,
    shows,
)
from web.api.parsing import Blueprint
from web.api.schemas import FOLLOW_UP_VERDICTS, TEXT, NeedSchema
from web.bootstrap import services
from web.operations.follow_ups import follow_up_board, follow_ups_due
from web.operations.representation import Time, code

blp = Blueprint(
    "follow_ups", __name__, description="Follow-up visits (回访) after a need is resolved"
)
REOPENS = ("not_satisfied", "partly")


class FollowUpCommandSchema(Schema):
    verdict = code(FOLLOW_UP_VERDICTS, required=True)
    note = fields.String(load_default="", validate=TEXT)
    reopen = fields.Boolean(
        load_default=False,
        metadata={"description": "reopen the need in the same step (not_satisfied or partly)"},
    )
    occurred_at = Time(**OCCURRED_AT)

    @validates_schema
    def reopen_when_not_solved(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("reopen") and data.get("verdict") not in REOPENS:
            raise ValidationError(
                "only a not_satisfied or partly verdict reopens the need", "reopen"
            )


class DueFollowUpSchema(Schema):
    need_id = fields.UUID(required=True)
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    household_id = fields.UUID(required=True)
    category = fields.String(required=True)
    assignee = fields.String(allow_none=True, required=True)
    logged_by = fields.String(required=True)
    resolved_at = Time(required=True)
    due_at = Time(required=True)


class BlockFollowUpsSchema(Schema):
    block = fields.String(required=True)
    resolved = fields.Integer(required=True)
    followed_up = fields.Integer(required=True)
    confirmed_helped = fields.Integer(required=True)
    followed_up_share = fields.Float(allow_none=True, required=True)
    helped_share = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "of those followed up, the share whose verdict was satisfied"},
    )


class FollowUpBoardSchema(Schema):
    since = Time(required=True)
    weeks = fields.Integer(required=True)
    blocks = fields.List(fields.Nested(BlockFollowUpsSchema), required=True)


class FollowUpArgsSchema(PageArgsSchema):
    block = fields.String()


class BoardArgsSchema(Schema):
    block = fields.String(validate=validate.Length(min=1, max=20))


DuePageSchema = page_schema(DueFollowUpSchema, "DueFollowUpPage")


@blp.route("/needs/<uuid:need_id>/follow-up")
class NeedFollowUp(MethodView):
    @roles(*LEADERS, VOLUNTEER)
    @blp.arguments(FollowUpCommandSchema)
    @blp.response(200, NeedSchema)
    @blp.alt_response(
        409, description="the need is not resolved (or was reopened), or was followed up already"
    )
    @blp.alt_response(412, description="If-Match is stale")
    @blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], need_id: UUID) -> Any:
        """Record the resident's verdict at the follow-up visit; `reopen` with a not_satisfied
        (or partly) verdict reopens the need in the same step."""
        current = check_need(need_id)
        reason = f"follow-up: {args['verdict']}" + (f" — {args['note']}" if args["note"] else "")
        services().needs.record_follow_up(
            need_id,
            args["verdict"],
            args["note"],
            reopen_reason=reason[:500] if args["reopen"] else None,
            **command_opts(args, current),
        )
        need = need_in_scope(need_id, as_saved=True)
        shows("needs.Need", need_id=need_id)
        return need, 200, etag(need["version"])


@blp.route("/follow-ups")
class FollowUpsDue(MethodView):
    @roles(*READERS)
    @blp.arguments(FollowUpArgsSchema, location="query")
    @blp.response(200, DuePageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The resolved needs within your scope whose follow-up has fallen due, the longest
        due first."""
        running = services()
        due = follow_ups_due(
            running, g.user.community, scoped_blocks(args.get("block")), running.clock.now()
        )
        start = (args["page"] - 1) * args["per_page"]
        return page_of(due[start : start + args["per_page"]], len(due), args)


@blp.route("/follow-ups/board")
class FollowUpBoard(MethodView):
    @roles(*READERS)
    @blp.arguments(BoardArgsSchema, location="query")
    @blp.response(200, FollowUpBoardSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Per block over the last twelve weeks: needs resolved, the share followed up and the
        share the residents confirmed helped."""
        running = services()
        return follow_up_board(
            running, g.user.community, scoped_blocks(args.get("block")), running.clock.now()
        )
