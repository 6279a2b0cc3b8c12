"""Request and response schemas of the needs and referrals (marshmallow)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from needs.values import (
    DeclineReason,
    FollowUpVerdict,
    NeedStatus,
    ReferralOutcome,
    ReferralStatus,
    Resolution,
    Urgency,
)
from web.api.common import OCCURRED_AT, PageArgsSchema
from web.operations.representation import HouseholdSchema, Time, code, codes

URGENCIES = codes(Urgency)
STATUSES = codes(NeedStatus)
REFERRAL_STATUSES = codes(ReferralStatus)
DECLINE_REASONS = codes(DeclineReason)
REFERRAL_OUTCOMES = codes(ReferralOutcome)
RESOLUTIONS = codes(Resolution)
FOLLOW_UP_VERDICTS = codes(FollowUpVerdict)
CATEGORIES = ("poverty_relief", "hardship", "emergency", "study_aid", "worry_relief", "mediation")
TEXT = validate.Length(max=4000)
SHORT = validate.Length(max=500)


class StrictBoolean(fields.Boolean):
    """true or false only: marshmallow's Boolean also takes 0, 1, "yes", "off", ... which the
    document's boolean does not allow."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class ReferralSummarySchema(Schema):
    id = fields.UUID(required=True)
    partner_id = fields.UUID(required=True)
    partner_name = fields.String(required=True)
    status = code(REFERRAL_STATUSES, required=True)
    sent_at = Time(required=True)
    respond_by = Time(required=True)
    version = fields.Integer(required=True)
    decline_reason = code(DECLINE_REASONS, allow_none=True)
    outcome = code(REFERRAL_OUTCOMES, allow_none=True)
    delivery_failed = fields.Boolean(
        metadata={"description": "every attempt to tell the partner of the referral failed"}
    )


class VisitSchema(Schema):
    occurred_at = Time(required=True)
    visitor = fields.String(required=True)
    notes = fields.String(required=True)


class NoteSchema(Schema):
    text = fields.String(required=True)
    author = fields.String(required=True)
    occurred_at = Time(required=True)


class FollowUpSchema(Schema):
    verdict = code(FOLLOW_UP_VERDICTS, required=True)
    note = fields.String(required=True)
    by = fields.String(required=True)
    occurred_at = Time(required=True)


class NeedSchema(Schema):
    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    community = fields.String(required=True)
    category = fields.String(required=True)
    block = fields.String(required=True)
    household = fields.Nested(HouseholdSchema, required=True)
    resident_name = fields.String(required=True)
    contact_phone = fields.String(required=True)
    description = fields.String(required=True)
    urgency = code(URGENCIES, required=True)
    status = code(STATUSES, required=True)
    consent_to_share = fields.Boolean(required=True)
    assignee = fields.String(allow_none=True, required=True)
    logged_by = fields.String(required=True)
    logged_at = Time(required=True)
    recorded_at = Time(required=True)
    updated_at = Time(required=True)
    overdue = fields.Boolean(required=True)
    escalated = fields.Boolean(
        required=True,
        metadata={"description": "on the secretary's board: nobody was left to take the case"},
    )
    escalated_at = Time(allow_none=True)
    escalation_reason = fields.String(allow_none=True)
    resolution = code(RESOLUTIONS, allow_none=True)
    summary = fields.String()
    referrals = fields.List(fields.Nested(ReferralSummarySchema), required=True)
    visits = fields.List(fields.Nested(VisitSchema), required=True)
    notes = fields.List(fields.Nested(NoteSchema), required=True)
    resolved_at = Time(allow_none=True)
    follow_up = fields.Nested(
        FollowUpSchema,
        allow_none=True,
        metadata={"description": "the follow-up visit (回访) after the latest resolution"},
    )
    volunteer = fields.Dict(
        keys=fields.String(),
        values=fields.UUID(),
        allow_none=True,
        metadata={"description": "the volunteer asked to help: {group_id, member_id}"},
    )
    duplicate_of = fields.UUID(
        allow_none=True,
        metadata={"description": "the household's open need in the same category when logged"},
    )
    duplicate_flagged = fields.Boolean(
        metadata={
            "description": "logged beside that need without a leader confirming it (an "
            "offline capture): for the leader to look at"
        }
    )


class LogNeedSchema(Schema):
    class Meta:
        json_schema: ClassVar[Mapping[str, Any]] = {
            "oneOf": [{"required": ["household"]}, {"required": ["household_id"]}]
        }

    category = fields.String(required=True, metadata={"example": "emergency"})
    block = fields.String(required=True, metadata={"example": "B3"})
    household = fields.Nested(HouseholdSchema)
    household_id = fields.UUID()
    resident_name = fields.String(load_default="", validate=validate.Length(max=100))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=30))
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    urgency = code(URGENCIES, required=True)
    consent_to_share = StrictBoolean(load_default=False)
    occurred_at = Time(**OCCURRED_AT)
    duplicate_ok = StrictBoolean(
        load_default=False,
        metadata={
            "description": "log it though the household has an open need in the same category "
            "(otherwise 409 with reason possible_duplicate); recorded on the need"
        },
    )

    @validates_schema
    def one_household(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("household" in data) == ("household_id" in data):
            raise ValidationError(
                "name the household either by address (household) or by household_id",
                "household",
            )


class NeedArgsSchema(PageArgsSchema):
    block = fields.String()
    status = code(STATUSES)
    category = fields.String()
    urgency = code(URGENCIES)
    household_id = fields.UUID(metadata={"description": "only the needs of this household"})


class NeedAtSchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    as_of = Time()

    @validates_schema
    def one_moment(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "version" in data and "as_of" in data:
            raise ValidationError("ask for a version or a moment, not both", "as_of")


class EventSchema(Schema):
    version = fields.Integer(required=True)
    type = fields.String(required=True)
    occurred_at = Time(required=True)
    recorded_at = Time(required=True)
    actor = fields.String(required=True)
    chain = fields.String(
        metadata={"description": "the event's hash, chained to the one before (tamper evidence)"}
    )
    data = fields.Dict(required=True)


class HistorySchema(Schema):
    events = fields.List(fields.Nested(EventSchema), required=True)


class ReasonSchema(Schema):
    code = fields.String(required=True)
    text = fields.String(required=True)


class MatchSchema(Schema):
    partner_id = fields.UUID(required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True)
    reasons = fields.List(fields.String(), required=True)
    reason_codes = fields.List(fields.String(), required=True)


class AssignSchema(Schema):
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=150))
    occurred_at = Time(**OCCURRED_AT)


class RecordVisitSchema(Schema):
    visited_at = Time(metadata={"description": "when the visit took place (default: now)"})
    notes = fields.String(load_default="", validate=TEXT)


class AddNoteSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    occurred_at = Time(**OCCURRED_AT)


class ChangeUrgencySchema(Schema):
    urgency = code(URGENCIES, required=True)
    reason = fields.String(load_default="", validate=SHORT)
    occurred_at = Time(**OCCURRED_AT)


class ReferSchema(Schema):
    partner_id = fields.UUID(required=True)
    note = fields.String(load_default="", validate=TEXT)
    override_reason = fields.String(validate=SHORT)
    occurred_at = Time(**OCCURRED_AT)


class ConsentSchema(Schema):
    consent_to_share = StrictBoolean(required=True)
    occurred_at = Time(**OCCURRED_AT)


class ResolveSchema(Schema):
    outcome = code(RESOLUTIONS, required=True)
    summary = fields.String(load_default="", validate=TEXT)
    occurred_at = Time(**OCCURRED_AT)


class ReopenSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    occurred_at = Time(**OCCURRED_AT)


class ReferralArgsSchema(PageArgsSchema):
    status = code(REFERRAL_STATUSES)


class AcceptSchema(Schema):
    note = fields.String(load_default="", validate=TEXT)
    occurred_at = Time(**OCCURRED_AT)


class DeclineSchema(Schema):
    reason = code(DECLINE_REASONS, required=True)
    note = fields.String(load_default="", validate=TEXT)
    occurred_at = Time(**OCCURRED_AT)


class CompleteSchema(Schema):
    outcome = code(REFERRAL_OUTCOMES, required=True)
    note = fields.String(load_default="", validate=TEXT)
    occurred_at = Time(**OCCURRED_AT)


class WithdrawSchema(Schema):
    reason = fields.String(load_default="", validate=SHORT)
    occurred_at = Time(**OCCURRED_AT)


class ProblemSchema(Schema):
    version = fields.Integer(allow_none=True, required=True)
    problem = fields.String(required=True)


class SealedSchema(Schema):
    seal_no = fields.Integer(required=True)
    sealed_at = Time(required=True)
    version = fields.Integer(required=True)
    seal_hash = fields.String(required=True)


class VerificationSchema(Schema):
    need_id = fields.UUID(required=True)
    intact = fields.Boolean(required=True)
    checked_versions = fields.Integer(required=True)
    head = fields.String(required=True, metadata={"description": "the newest event's hash"})
    problems = fields.List(fields.Nested(ProblemSchema), required=True)
    sealed = fields.Nested(
        SealedSchema,
        allow_none=True,
        required=True,
        metadata={"description": "the newest seal that covers this case"},
    )


class ReadSchema(Schema):
    read_at = Time(required=True)
    username = fields.String(required=True)
    via = fields.String(required=True, metadata={"description": "the page or API path"})
    shown = fields.List(fields.String(), required=True, data_key="fields", attribute="fields")


class ReadsSchema(Schema):
    reads = fields.List(fields.Nested(ReadSchema), required=True)
