"""Request and response schemas of resident-led projects and their templates."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from projects.values import Answer, EntryKind, Phase, ShareKind, StepState, TeamRole
from web.api.common import OCCURRED_AT, PageArgsSchema, page_schema
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


# --- the project as it reads ---------------------------------------------------------


class ConsentTallySchema(Schema):
    round = fields.Integer(required=True)
    yes = fields.Integer(required=True)
    no = fields.Integer(required=True)
    abstain = fields.Integer(required=True)
    pending = fields.Integer(required=True)
    households = fields.Integer(required=True)
    share = fields.Float(required=True)
    threshold = fields.String(required=True)
    met = fields.Boolean(required=True)


class ProjectHouseholdSchema(Schema):
    household_id = fields.UUID(required=True)
    floor = fields.Integer(required=True)
    label = fields.String(
        required=True, allow_none=True, metadata={"description": "null once erased"}
    )
    name = fields.String(required=True, allow_none=True)
    initiator = fields.Boolean(required=True)
    answer = one_of(codes(Answer), required=True, allow_none=True)


class TeamMemberSchema(Schema):
    member_id = fields.UUID(required=True)
    role = one_of(codes(TeamRole), required=True)
    name = fields.String(required=True, allow_none=True)
    household_id = fields.UUID(required=True, allow_none=True)
    account = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True)


class ProjectPhaseLogSchema(Schema):
    phase = one_of(codes(Phase), required=True)
    at = Time(required=True)
    reason = fields.String(required=True)


class ProjectProgressSchema(Schema):
    steps_done = fields.Integer(required=True)
    steps_total = fields.Integer(required=True)
    stamps = fields.Integer(required=True)
    stamps_needed = fields.Integer(required=True)
    departments = fields.Integer(required=True)


class ProjectLedgerRowSchema(Schema):
    share = fields.Integer(required=True)
    pledged = fields.Integer(required=True)
    paid = fields.Integer(required=True)
    refunded = fields.Integer(required=True)
    owed = fields.Integer(required=True)


class ProjectLedgerSchema(Schema):
    households = fields.Dict(
        keys=fields.String(), values=fields.Nested(ProjectLedgerRowSchema), required=True
    )
    pledged = fields.Integer(required=True)
    paid = fields.Integer(required=True)
    refunded = fields.Integer(required=True)
    spent = fields.Integer(required=True)
    balance = fields.Integer(required=True)
    owed = fields.Integer(required=True)
    share_total = fields.Integer(required=True)


class ProjectShareRuleSchema(Schema):
    kind = one_of(codes(ShareKind), required=True)
    weights = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    total_fen = fields.Integer(required=True)


class ProjectMeetingsSchema(Schema):
    count = fields.Integer(required=True)
    last = fields.Date(required=True, allow_none=True)


class ProjectTemplateRefSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)


class ProjectSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    community = fields.String(required=True)
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    template = fields.Nested(ProjectTemplateRefSchema, required=True)
    phase = one_of(codes(Phase), required=True)
    phases = fields.List(fields.Nested(ProjectPhaseLogSchema), required=True)
    threshold = fields.String(required=True)
    round = fields.Integer(required=True)
    consents = fields.List(fields.Nested(ConsentTallySchema), required=True)
    households = fields.List(fields.Nested(ProjectHouseholdSchema), required=True)
    team = fields.List(fields.Nested(TeamMemberSchema), required=True)
    meetings = fields.Nested(ProjectMeetingsSchema, required=True)
    progress = fields.Nested(ProjectProgressSchema, required=True)
    share_rule = fields.Nested(ProjectShareRuleSchema, required=True)
    ledger = fields.Nested(ProjectLedgerSchema, required=True)
    rota = fields.List(fields.Nested(RotaDutySchema), required=True)
    started_at = Time(required=True)
    started_by = fields.String(required=True)


ProjectPageSchema = page_schema(ProjectSchema, "ProjectPage")


class ProjectStampSchema(Schema):
    stamp_id = fields.UUID(required=True)
    department = fields.String(required=True)
    on = fields.Date(required=True)
    reference = fields.String(required=True)


class ProjectStepSchema(Schema):
    step_id = fields.String(required=True)
    phase = fields.String(required=True)
    department = fields.String(required=True)
    title = fields.String(required=True)
    stamps_needed = fields.Integer(required=True)
    evidence = fields.String(required=True)
    state = one_of(codes(StepState), required=True)
    started_on = fields.Date(required=True, allow_none=True)
    completed_on = fields.Date(required=True, allow_none=True)
    blocked_reason = fields.String(required=True)
    stamps = fields.List(fields.Nested(ProjectStampSchema), required=True)


class ProjectExportSchema(Schema):
    project = fields.Nested(ProjectSchema, required=True)
    steps = fields.List(fields.Nested(ProjectStepSchema), required=True)
    verification = fields.Dict(required=True)
    exported_at = Time(required=True)
    exported_by = fields.String(required=True)


class ProjectExportArgsSchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "pdf"]))


class TemplateMadeSchema(Schema):
    template_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
