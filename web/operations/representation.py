"""The JSON shapes that leave the service by more than one road: times in Shanghai with their
offset, and a referral as its partner sees it — in the API's answers and in the webhook notices."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from kernel.clock import SHANGHAI
from needs.values import DeclineReason, ReferralOutcome, ReferralStatus, Urgency

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Time(fields.DateTime):
    """ISO 8601 with the offset, shown in the community's time (e.g. 2026-11-29T08:15:00+08:00);
    times sent in must carry their offset."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(SHANGHAI).isoformat()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            raise ValidationError("a time needs its offset, e.g. 2026-11-29T08:15:00+08:00")
        # Compared as they are: moving year 1 (or 9999) to UTC can leave the calendar.
        if not EARLIEST <= moment <= LATEST:
            raise ValidationError("a time between the years 2000 and 2100, please")
        return moment


def codes(enum: type[Enum]) -> tuple[str, ...]:
    """The codes of one of the domain's enums, as the API writes them."""
    return tuple(member.value for member in enum)


def code(values: tuple[str, ...], **kwargs: Any) -> fields.String:
    """A code with fixed values: checked when sent in, declared as an enum in the OpenAPI
    document either way (with null too when it may be null)."""
    return fields.String(validate=validate.OneOf(values), **kwargs)


class HouseholdSchema(Schema):
    id = fields.UUID(dump_only=True)
    building = fields.Raw(
        required=True,
        metadata={
            "description": "in: 15, '15号' or '15号楼'; out: the building's number",
            "oneOf": [{"type": "string", "example": "15号楼"}, {"type": "integer"}],
        },
    )
    unit = fields.String(load_default="", validate=validate.Length(max=10))
    room = fields.String(load_default="", validate=validate.Length(max=10))


class ReferralSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    need_id = fields.UUID(required=True)
    partner_id = fields.UUID(required=True)
    partner_name = fields.String(required=True)
    status = code(codes(ReferralStatus), required=True)
    category = fields.String(required=True)
    urgency = code(codes(Urgency), required=True)
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    note = fields.String(required=True)
    sent_at = Time(required=True)
    respond_by = Time(required=True)
    responded_at = Time(allow_none=True)
    decline_reason = code(codes(DeclineReason), allow_none=True)
    outcome = code(codes(ReferralOutcome), allow_none=True)
    partner_note = fields.String()
    delivery_failed = fields.Boolean(
        metadata={"description": "every attempt to tell the partner of the referral failed"}
    )
    consent_to_share = fields.Boolean(required=True)
    resident_name = fields.String(metadata={"description": "only while the resident consents"})
    contact_phone = fields.String(metadata={"description": "only while the resident consents"})
    household = fields.Nested(HouseholdSchema, metadata={"description": "only with consent"})
    description = fields.String(metadata={"description": "only while the resident consents"})
