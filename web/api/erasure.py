"""POST /api/v1/households/{id}/erasure: the secretary erases a household's personal data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from web.api.auth import roles
from web.api.parsing import Blueprint
from web.bootstrap import services
from web.operations.representation import Time

blp = Blueprint("erasure", __name__, description="Erasing a household's personal data")


class ErasureSchema(Schema):
    household_id = fields.UUID(required=True)
    erased_at = Time(required=True, metadata={"description": "when the erasure was first asked"})
    needs = fields.List(
        fields.UUID(),
        required=True,
        metadata={"description": "the household's cases, whose personal data now reads [erased]"},
    )
    records = fields.List(
        fields.UUID(),
        required=True,
        metadata={"description": "the records made about the household, their text [erased]"},
    )


@blp.route("/households/<uuid:household_id>/erasure")
class HouseholdErasure(MethodView):
    @roles("secretary")
    @blp.response(200, ErasureSchema)
    @blp.alt_response(404, description="No such household")
    @blp.alt_response(
        503,
        description="The key is destroyed (no process opens the household's data any more), "
        "but another reader kept a copy of it past ERASURE_PURGE_SECONDS: POST again to finish",
    )
    def post(self, household_id: UUID) -> dict[str, Any]:
        """Destroy the household's key: its name, phone, unit, room, members and every note
        or record about it read [erased] from now on — in every process of the service once
        this answers — in its cases and its duties, while history, chains, duties and
        statistics stay. Answers 200 only once every copy of the key is purged. Idempotent."""
        from web.operations.erasure import erase_household

        erasure = erase_household(services(), household_id, g.user.username)
        return {
            "household_id": erasure.household_id,
            "erased_at": erasure.erased_at,
            "needs": erasure.need_ids,
            "records": erasure.record_ids,
        }
