"""The schema of one household's whole story: the household, its needs and records, and one
list of everything that happened to it, newest first."""

from __future__ import annotations

from marshmallow import Schema, fields

from web.api.duty_schemas import HouseholdDetailSchema, RecordSchema
from web.api.schemas import NeedSchema
from web.operations.household_story import STORY_KINDS
from web.operations.representation import Time, code


class StoryEntrySchema(Schema):
    kind = code(STORY_KINDS, required=True)
    at = Time(required=True, metadata={"description": "when it was logged, happened or fell due"})
    id = fields.UUID(
        required=True,
        metadata={"description": "the need's, life event's, member's, duty's or record's id"},
    )
    state = fields.String(
        required=True,
        metadata={
            "description": "a need's or a duty's status, a life event's type, a watched "
            "member's group, a record's kind"
        },
    )


class HouseholdStorySchema(HouseholdDetailSchema):
    needs = fields.List(
        fields.Nested(NeedSchema),
        required=True,
        metadata={"description": "every need of the household, open and closed, newest first"},
    )
    records = fields.List(fields.Nested(RecordSchema), required=True)
    story = fields.List(fields.Nested(StoryEntrySchema), required=True)
