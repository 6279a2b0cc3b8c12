"""Response schemas of resident-led projects: the project with its consent tally per round,
progress, ledger, team and phases; its steps with their stamps; the stamp table export."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from projects.values import Answer, Phase, ShareKind, StepState, TeamRole
from web.api.common import page_schema
from web.api.project_schemas import RotaDutySchema
from web.operations.representation import Time, codes
from web.operations.representation import code as one_of


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
        required=True,
        allow_none=True,
        metadata={"description": "null once erased, and for a partner's staff"},
    )
    name = fields.String(
        required=True, allow_none=True, metadata={"description": "null as the label is"}
    )
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
