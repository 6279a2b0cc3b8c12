"""GET /api/v1/reports/menu: the monthly report for the sub-district, as JSON, CSV, XLSX or PDF.
Counts only: no resident is named in any form of it."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from web.api.auth import roles
from web.api.parsing import Blueprint
from web.bootstrap import services
from web.operations.report import LONGEST, monthly_report
from web.operations.representation import Time

blp = Blueprint("reports", __name__, description="Reports for the sub-district office")
FORMATS = ("json", "csv", "xlsx", "pdf")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportArgsSchema(Schema):
    from_ = fields.Date(
        required=True, data_key="from", metadata={"description": "first day (Asia/Shanghai)"}
    )
    to = fields.Date(required=True, metadata={"description": "last day, included"})
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))
    lang = fields.String(
        load_default="zh_CN",
        validate=validate.OneOf(["zh_CN", "en"]),
        metadata={"description": "the language of the files' headers (JSON has codes)"},
    )

    @validates_schema
    def _span(self, data: dict[str, Any], **_: Any) -> None:
        if data["to"] < data["from_"]:
            raise ValidationError("to is before from", "to")
        if data["to"] - data["from_"] > LONGEST:
            raise ValidationError("a report covers at most a year", "to")


Counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
Hours = fields.Float(allow_none=True, required=True)


class NeedCellSchema(Schema):
    block = fields.String(required=True)
    category = fields.String(required=True)
    logged = fields.Integer(required=True)
    resolved = fields.Integer(required=True)
    outcomes = Counts
    open_at_end = fields.Integer(required=True)
    overdue_at_end = fields.Integer(required=True)
    median_hours_to_first_contact = Hours
    median_hours_to_resolution = Hours
    escalations = fields.Integer(required=True)


class NeedTotalsSchema(Schema):
    logged = fields.Integer(required=True)
    resolved = fields.Integer(required=True)
    outcomes = Counts
    open_at_end = fields.Integer(required=True)
    overdue_at_end = fields.Integer(required=True)
    escalations = fields.Integer(required=True)


class PartnerRowSchema(Schema):
    partner_id = fields.UUID(required=True)
    name = fields.String(required=True)
    referrals = fields.Integer(required=True)
    accepted = fields.Integer(required=True)
    declined = Counts
    expired = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)
    median_hours_to_answer = Hours
    outcomes = Counts


class DutyRowSchema(Schema):
    block = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["visit", "ask"]})
    due = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    late = fields.Integer(required=True)
    overdue = fields.Integer(required=True)


class DutyTotalsSchema(Schema):
    due = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    late = fields.Integer(required=True)
    overdue = fields.Integer(required=True)


class RecordRowSchema(Schema):
    block = fields.String(required=True)
    kind = fields.String(required=True)
    n = fields.Integer(required=True)


class FollowUpTotalsSchema(Schema):
    resolved = fields.Integer(
        required=True, metadata={"description": "resolved in the period and still resolved"}
    )
    followed_up = fields.Integer(
        required=True, metadata={"description": "of those, followed up by the period's end"}
    )
    verdicts = Counts
    confirmed_helped = fields.Integer(required=True)
    followed_up_share = fields.Float(allow_none=True, required=True)
    helped_share = fields.Float(allow_none=True, required=True)


class FollowUpRowSchema(FollowUpTotalsSchema):
    block = fields.String(required=True)


class ProjectRowSchema(Schema):
    project_id = fields.UUID(required=True)
    block = fields.String(required=True)
    building = fields.Integer(required=True)
    kind = fields.String(required=True)
    phase = fields.String(required=True)
    steps_done = fields.Integer(required=True)
    steps_total = fields.Integer(required=True)
    stamps = fields.Integer(required=True)
    stamps_needed = fields.Integer(required=True)
    meetings = fields.Integer(required=True)


class ReportSchema(Schema):
    community = fields.String(required=True)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    generated_at = Time(required=True)
    blocks = fields.List(fields.String(), required=True)
    needs = fields.List(fields.Nested(NeedCellSchema), required=True)
    needs_totals = fields.Nested(NeedTotalsSchema, required=True)
    partners = fields.List(fields.Nested(PartnerRowSchema), required=True)
    follow_ups = fields.List(fields.Nested(FollowUpRowSchema), required=True)
    follow_ups_totals = fields.Nested(FollowUpTotalsSchema, required=True)
    duties = fields.List(fields.Nested(DutyRowSchema), required=True)
    duties_totals = fields.Nested(DutyTotalsSchema, required=True)
    records = fields.List(fields.Nested(RecordRowSchema), required=True)
    projects = fields.List(fields.Nested(ProjectRowSchema), required=True)


_BINARY = {"schema": {"type": "string", "format": "binary"}}
REPORT_CONTENT = {
    "application/json": {"schema": ReportSchema},
    "text/csv": {"schema": {"type": "string"}},
    XLSX: _BINARY,
    "application/pdf": _BINARY,
}


@blp.route("/reports/menu")
class MenuReport(MethodView):
    @roles("secretary", "auditor", "block_leader")
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    @blp.doc(responses={"200": {"description": "OK", "content": REPORT_CONTENT}})
    @blp.alt_response(503, description="no CJK font is installed for the PDF")
    def get(self, args: dict[str, Any]) -> Any:
        """The menu's monthly report for the days from..to (Asia/Shanghai): needs by block and
        category, partners, follow-up visits, the three fives and projects; a block leader's
        covers their blocks. `format=csv|xlsx|pdf` for files, with headers in `lang`."""
        user = g.user
        blocks = list(user.blocks) if user.role == "block_leader" else None
        running = services()
        report = monthly_report(running, user.community, args["from_"], args["to"], blocks)
        if args["format"] == "json":
            return {**report, "from_": report["from"]}
        return _file(running, report, args["format"], args["lang"])


def _file(running: Any, report: dict[str, Any], kind: str, lang: str) -> Response:
    from web.presentation.export_print import PdfFontMissingError, cjk_font
    from web.presentation.report_files import to_csv, to_pdf, to_xlsx
    from web.presentation.report_tables import tables

    community = running.needs.community(report["community"])
    laid_out = tables(report, community, lang)
    name = f"menu-report-{report['from']}-{report['to']}.{kind}"
    if kind == "csv":
        body: bytes = to_csv(laid_out).encode("utf-8")
        mimetype = "text/csv"
    elif kind == "xlsx":
        body, mimetype = to_xlsx(laid_out), XLSX
    else:
        try:
            font = cjk_font(running.settings.extra.get("PDF_FONT"))
        except PdfFontMissingError as error:
            abort(503, description=str(error))
        names = {b.code: b.name for b in community.blocks}
        body, mimetype = to_pdf(report, laid_out, names, lang, font), "application/pdf"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
