"""/api/v1/compliance: the three fives' compliance board (the secretary's /compliance page): per
block, the visits and asks due and how they were done, the leader's contacts beside those of
the block's volunteers."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from web.api.auth import roles
from web.api.parsing import Blueprint
from web.bootstrap import services
from web.operations.compliance import COMPLIANCE_WEEKS, compliance_board

blp = Blueprint("compliance", __name__, description="The three fives' compliance board")


class ComplianceArgsSchema(Schema):
    weeks = fields.Integer(load_default=COMPLIANCE_WEEKS, validate=validate.Range(min=1, max=52))


class ComplianceRowSchema(Schema):
    block = fields.String(required=True)
    due = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    late = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    by_leader = fields.Integer(
        required=True, metadata={"description": "done by the block's leader or the secretary"}
    )
    by_volunteers = fields.Integer(
        required=True, metadata={"description": "done by the block's volunteers"}
    )


class ComplianceSchema(Schema):
    weeks = fields.Integer(required=True)
    items = fields.List(fields.Nested(ComplianceRowSchema), required=True)


@blp.route("/compliance")
class Compliance(MethodView):
    @roles("secretary", "auditor")
    @blp.arguments(ComplianceArgsSchema, location="query")
    @blp.response(200, ComplianceSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Per block over the last `weeks`: duties due, done on time, done late, overdue, and
        of those done, how many by the leader and how many by volunteers."""
        rows = compliance_board(services(), g.user.community, args["weeks"])
        return {"weeks": args["weeks"], "items": rows}
