"""/api/v1/records: the five must-records, and a concern or a suggestion turned into a need."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g, url_for
from flask.views import MethodView

from web.access import LEADERS, READERS, check_block_allowed, record_in_scope
from web.api import duty_schemas as s
from web.api.auth import roles
from web.api.common import IDEMPOTENCY_PARAMETER, command_key, etag, shows
from web.api.parsing import Blueprint
from web.bootstrap import services

blp = Blueprint("records", __name__, description="The five must-records")


@blp.route("/records")
class Records(MethodView):
    @roles(*LEADERS)
    @blp.arguments(s.NewRecordSchema)
    @blp.response(201, s.RecordSchema)
    @blp.alt_response(403, description="not your block")
    @blp.alt_response(404, description="no household with that household_id in the block")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Any:
        """Make a record about a household of the block, or about the block."""
        check_block_allowed(args["block"])
        record_id = services().duties.make_record(
            community=g.user.community, actor=g.user.username, key=command_key(), **args
        )
        record, status, headers = answer(record_id, 201)
        headers["Location"] = url_for("records.Record", record_id=record_id)
        return record, status, headers


@blp.route("/records/<uuid:record_id>")
class Record(MethodView):
    @roles(*READERS)
    @blp.response(200, s.RecordSchema)
    def get(self, record_id: UUID) -> Any:
        """One record, with the need it became."""
        return answer(record_id)


@blp.route("/records/<uuid:record_id>/to-need")
class ToNeed(MethodView):
    @roles(*LEADERS)
    @blp.arguments(s.ToNeedSchema)
    @blp.response(200, s.RecordSchema)
    @blp.alt_response(409, description="not a concern or a suggestion, or not about a household")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], record_id: UUID) -> Any:
        """Log a need from a concern or a suggestion; the record and the need keep the link."""
        from web.operations.proactive import turn_record_into_need

        record_in_scope(record_id)
        turn_record_into_need(services(), record_id, actor=g.user.username, **args)
        return answer(record_id)


def answer(record_id: UUID, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    record = record_in_scope(record_id)
    shows("records.Record", record_id=record_id)
    return record, status, etag(record["version"])
