"""Request schemas of resident-led projects and their templates, and the templates as they
read (the projects as they read: web.api.project_read_schemas)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from projects.values import Answer, EntryKind, Phase, ShareKind, TeamRole
from web.api.common import OCCURRED_AT, PageArgsSchema
from web.api.schemas import SHORT, TEXT, StrictBoolean
from web.operations.representation import Time, codes
from web.operations.representation import code as one_of

NAME = validate.Length(min=1, max=100)
FEN = validate.Range(min=1, max=10**12)


class TemplatePhaseSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    title = fields.String(required=True, validate=NAME)
    title_en = fields.String(validate=NAME)
    before = one_of(codes(Phase)[1:], load_default="building")


class TemplateStepSchema(Schema):
    step_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    phase = fields.String(required=True, validate=validate.Length(min=1, max=40))
    department = fields.String(required=True, validate=NAME)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    stamps = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=0, max=50))
    evidence = fields.String(load_default="", validate=validate.Length(max=200))
    days = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(min=0)
    )


class NewProjectTemplateSchema(Schema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    threshold = fields.String(
        load_default="1", metadata={"description": "share of households, e.g. 1 or 2/3"}
    )
    phases = fields.List(
        fields.Nested(TemplatePhaseSchema), required=True, validate=validate.Length(1, 20)
    )
    steps = fields.List(
        fields.Nested(TemplateStepSchema), required=True, validate=validate.Length(0, 200)
    )


class ProjectTemplateSchema(Schema):
    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    version = fields.Integer(required=True)
    versions = fields.Integer(required=True)
    name = fields.String(required=True)
    threshold = fields.String(required=True)
    made_from = fields.String(required=True, allow_none=True)
    note = fields.String(required=True)
    phases = fields.List(fields.Nested(TemplatePhaseSchema), required=True)
    steps = fields.List(fields.Nested(TemplateStepSchema), required=True)
    steps_total = fields.Integer(required=True)
    stamps_total = fields.Integer(required=True)
    updated_at = Time(required=True)


class ProjectTemplateArgsSchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1))


class ProjectListArgsSchema(PageArgsSchema):
    block = fields.String(validate=validate.Length(max=10))
    status = one_of(codes(Phase))


class NewProjectHouseholdSchema(Schema):
    household_id = fields.UUID(metadata={"description": "a household the duties know"})
    floor = fields.Integer(strict=True, required=True, validate=validate.Range(min=-5, max=100))
    label = fields.String(validate=validate.Length(max=100), metadata={"example": "1单元502"})
    name = fields.String(load_default="", validate=validate.Length(max=100))
    initiator = StrictBoolean(load_default=False)
    occurred_at = Time(**OCCURRED_AT)


class NewProjectSchema(Schema):
    block = fields.String(required=True, metadata={"example": "B2"})
    building = fields.Raw(
        required=True,
        metadata={
            "description": "7, '7号' or '7号楼' all mean building 7",
            "oneOf": [{"type": "string", "example": "7号楼"}, {"type": "integer"}],
        },
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    template_id = fields.UUID(required=True)
    template_version = fields.Integer(strict=True, validate=validate.Range(min=1))
    registered_households = StrictBoolean(
        load_default=False,
        metadata={"description": "also take the households registered at the building"},
    )
    households = fields.List(
        fields.Nested(NewProjectHouseholdSchema),
        load_default=list,
        validate=validate.Length(max=200),
    )
    occurred_at = Time(**OCCURRED_AT)


class NewConsentSchema(Schema):
    household_id = fields.UUID(required=True)
    answer = one_of(
        (*codes(Answer), "withdrawn"),
        required=True,
        metadata={"description": "yes, no, abstain — or withdrawn: take back its answer"},
    )
    round = fields.Integer(
        strict=True, validate=validate.Range(min=1), metadata={"description": "default: current"}
    )
    collected_by = fields.String(load_default="", validate=validate.Length(max=150))
    on_paper = StrictBoolean(load_default=False)
    signatory = fields.String(load_default="", validate=validate.Length(max=100))
    reason = fields.String(load_default="", validate=SHORT)
    occurred_at = Time(**OCCURRED_AT)


class NewTeamMemberSchema(Schema):
    role = one_of(codes(TeamRole), required=True)
    name = fields.String(required=True, validate=NAME)
    household_id = fields.UUID(allow_none=True, load_default=None)
    account = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=150))
    stand_down = fields.UUID(metadata={"description": "a member to stand down instead"})
    occurred_at = Time(**OCCURRED_AT)


class NewMeetingSchema(Schema):
    kind = fields.String(
        required=True, validate=validate.Length(min=1, max=60), metadata={"example": "joint"}
    )
    held_on = fields.Date(required=True)
    households_present = fields.List(
        fields.UUID(), load_default=list, validate=validate.Length(max=200)
    )
    attendees = fields.String(load_default="", validate=validate.Length(max=1000))
    minutes = fields.String(load_default="", validate=TEXT)
    decisions = fields.String(load_default="", validate=TEXT)
    occurred_at = Time(**OCCURRED_AT)


class FloorWeightSchema(Schema):
    floor = fields.Integer(strict=True, required=True, validate=validate.Range(min=-5, max=100))
    weight = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=1000))


class NewLedgerEntrySchema(Schema):
    kind = one_of((*codes(EntryKind), "share_rule"), required=True)
    amount_fen = fields.Integer(strict=True, required=True, validate=FEN)
    household_id = fields.UUID(allow_none=True, load_default=None)
    payee = fields.String(load_default="", validate=validate.Length(max=200))
    receipt = fields.String(load_default="", validate=validate.Length(max=200))
    on = fields.Date(metadata={"description": "default: today"})
    share = one_of(codes(ShareKind), metadata={"description": "with kind share_rule"})
    weights = fields.List(
        fields.Nested(FloorWeightSchema),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "with share by_floor: each floor's weight (others weigh 0)"},
    )
    occurred_at = Time(**OCCURRED_AT)


class NewPhaseSchema(Schema):
    phase = one_of(codes(Phase)[1:], required=True)
    occurred_at = Time(**OCCURRED_AT)


class RotaDutySchema(Schema):
    task = fields.String(required=True, validate=NAME)
    every = fields.String(required=True, validate=validate.Length(min=1, max=60))
    households = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=200))


class NewRotaSchema(Schema):
    rota = fields.List(
        fields.Nested(RotaDutySchema), required=True, validate=validate.Length(max=20)
    )
    occurred_at = Time(**OCCURRED_AT)


class ToTemplateSchema(Schema):
    note = fields.String(load_default="", validate=SHORT)


class NewStampSchema(Schema):
    on = fields.Date(required=True)
    department = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=100)
    )
    reference = fields.String(load_default="", validate=validate.Length(max=200))
    occurred_at = Time(**OCCURRED_AT)


class CompleteStepSchema(Schema):
    on = fields.Date(allow_none=True, load_default=None)
    occurred_at = Time(**OCCURRED_AT)


class BlockStepSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    occurred_at = Time(**OCCURRED_AT)
