"""Request and response schemas of households, duties and records (the three fives)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from duties.rules import ASK, DUE_FILTERS, GROUPS, LIFE_EVENTS, RECORD_KINDS, VISIT
from web.api.common import OCCURRED_AT, PageArgsSchema
from web.api.schemas import TEXT, URGENCIES
from web.operations.representation import Time, code

ADDRESS = validate.Length(max=10)


class NewHouseholdSchema(Schema):
    block = fields.String(required=True, metadata={"example": "B3"})
    building = fields.Raw(
        required=True,
        metadata={
            "description": "15, '15号' or '15号楼' all mean building 15",
            "oneOf": [{"type": "string", "example": "15号楼"}, {"type": "integer"}],
        },
    )
    unit = fields.String(load_default="", validate=ADDRESS)
    room = fields.String(load_default="", validate=ADDRESS)
    occurred_at = Time(**OCCURRED_AT)


class GroupSpanSchema(Schema):
    group = code(GROUPS, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True, required=True)


class MemberSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    groups = fields.List(fields.Nested(GroupSpanSchema), required=True)


class LifeEventSchema(Schema):
    id = fields.UUID(required=True)
    type = code(LIFE_EVENTS, required=True)
    note = fields.String(required=True)
    occurred_at = Time(required=True)
    recorded_by = fields.String(required=True)


class DutySchema(Schema):
    id = fields.UUID(required=True)
    household_id = fields.UUID(required=True)
    version = fields.Integer(
        required=True, metadata={"description": "the household's version (its ETag)"}
    )
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    unit = fields.String(required=True)
    room = fields.String(required=True)
    kind = code(
        (VISIT, ASK),
        required=True,
        metadata={"description": "visit (a must-visit) or ask (a must-ask)"},
    )
    reason = code(
        LIFE_EVENTS + GROUPS,
        required=True,
        metadata={"description": "the life event or the watched group"},
    )
    member = fields.String(allow_none=True, required=True)
    fell_due_at = Time(required=True)
    due_at = Time(required=True)
    status = fields.String(required=True, metadata={"enum": ["open", "discharged"]})
    overdue = fields.Boolean(required=True)
    discharged_at = Time(allow_none=True, required=True)
    discharged_by = fields.String(allow_none=True, required=True)
    volunteer = fields.Dict(
        keys=fields.String(),
        values=fields.UUID(),
        allow_none=True,
        required=True,
        metadata={"description": "the group's volunteer asked to do it (group_id, member_id)"},
    )
    notes = fields.String(required=True)


class HouseholdDetailSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    community = fields.String(required=True)
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    unit = fields.String(required=True)
    room = fields.String(required=True)
    members = fields.List(fields.Nested(MemberSchema), required=True)
    life_events = fields.List(fields.Nested(LifeEventSchema), required=True)
    duties = fields.List(fields.Nested(DutySchema), required=True)
    erased_at = Time(
        allow_none=True,
        required=True,
        metadata={"description": "when its personal data was erased (it reads [erased])"},
    )
    erased_by = fields.String(allow_none=True, required=True)


class HouseholdArgsSchema(PageArgsSchema):
    block = fields.String()


class NewLifeEventSchema(Schema):
    type = code(LIFE_EVENTS, required=True)
    note = fields.String(load_default="", validate=TEXT)
    occurred_at = Time(**OCCURRED_AT)


class GroupChangeSchema(Schema):
    member = fields.String(required=True, validate=validate.Length(min=1, max=100))
    group = code(GROUPS, required=True)
    starts_on = fields.Date(metadata={"description": "default: today in Shanghai"})
    ends_on = fields.Date(
        allow_none=True, metadata={"description": "the day it stops applying (leaves the group)"}
    )
    occurred_at = Time(**OCCURRED_AT)


class DutyArgsSchema(PageArgsSchema):
    block = fields.String()
    due = code(
        DUE_FILTERS,
        load_default="today",
        metadata={
            "description": "today: open duties due by the end of today (with the overdue); "
            "overdue: past their time; all: every open duty"
        },
    )


class DischargeSchema(Schema):
    notes = fields.String(load_default="", validate=TEXT)
    occurred_at = Time(**OCCURRED_AT)


class NewRecordSchema(Schema):
    kind = code(RECORD_KINDS, required=True)
    block = fields.String(required=True)
    household_id = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "the household it is about; without one it is about the whole "
            "block, and its text must not name or describe a resident (a block record has no "
            "household key, so no erasure reaches it)"
        },
    )
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    occurred_at = Time(**OCCURRED_AT)


class RecordSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    community = fields.String(required=True)
    kind = code(RECORD_KINDS, required=True)
    block = fields.String(required=True)
    household_id = fields.UUID(allow_none=True, required=True)
    text = fields.String(required=True)
    made_by = fields.String(required=True)
    made_at = Time(required=True)
    need_id = fields.UUID(allow_none=True, required=True)


class ToNeedSchema(Schema):
    category = fields.String(required=True, metadata={"example": "hardship"})
    urgency = code(URGENCIES, required=True)
