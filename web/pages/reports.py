"""The monthly report page: the same tables as GET /api/v1/reports/menu, a chart of each block's
needs logged and resolved, and the files to download (CSV, XLSX, PDF) in the reader's language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from duties.values import local_day
from web.bootstrap import services
from web.operations.report import LONGEST, monthly_report
from web.pages.access import roles
from web.pages.chart import weekly_chart
from web.presentation.report_tables import tables
from web.presentation.words import language

bp = Blueprint("reports", __name__)
FILES = ("csv", "xlsx", "pdf")


def _period() -> tuple[date, date, str | None]:
    """The days asked for (this month to today by default) and what is wrong with them."""
    today = local_day(services().clock.now())
    try:
        first = date.fromisoformat(request.args.get("from") or today.replace(day=1).isoformat())
        last = date.fromisoformat(request.args.get("to") or today.isoformat())
    except ValueError:
        return today.replace(day=1), today, _("Write the days as YYYY-MM-DD.")
    if last < first:
        return first, first, _("The last day is before the first.")
    if last - first > LONGEST:
        return first, first + LONGEST, _("A report covers at most a year.")
    return first, last, None


def _report(first: date, last: date) -> dict[str, Any]:
    user = g.user
    blocks = list(user.blocks) if user.role == "block_leader" else None
    return monthly_report(services(), user.community, first, last, blocks)


@bp.route("/reports/menu")
@roles("secretary", "auditor", "block_leader")
def menu() -> str:
    """The report of the days asked for, with its chart and its files."""
    first, last, problem = _period()
    report = _report(first, last)
    community = services().needs.community(g.user.community)
    names = {b.code: b.name for b in community.blocks}
    per_block: dict[str, dict[str, Any]] = {
        b: {"block": names.get(b, b), "start": None, "logged": 0, "resolved": 0}
        for b in report["blocks"]
    }
    for cell in report["needs"]:
        per_block[cell["block"]]["logged"] += cell["logged"]
        per_block[cell["block"]]["resolved"] += cell["resolved"]
    return render_template(
        "pages/report.html",
        report=report,
        first=first,
        last=last,
        problem=problem,
        tables=tables(report, community, language()),
        chart=weekly_chart(list(per_block.values())),
        files=FILES,
        last_month=previous_month(local_day(services().clock.now())),
    )


@bp.route("/reports/menu.<kind>")
@roles("secretary", "auditor", "block_leader")
def download(kind: str) -> Response:
    """The report as a file, its headers in the reader's language."""
    from web.presentation.export_print import PdfFontMissingError, cjk_font
    from web.presentation.report_files import to_csv, to_pdf, to_xlsx

    if kind not in FILES:
        abort(404)
    first, last, problem = _period()
    if problem:
        abort(400, description=problem)
    report = _report(first, last)
    running = services()
    community = running.needs.community(g.user.community)
    lang = language()
    laid_out = tables(report, community, lang)
    if kind == "csv":
        body, mimetype = to_csv(laid_out).encode("utf-8"), "text/csv"
    elif kind == "xlsx":
        body = to_xlsx(laid_out)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        try:
            font = cjk_font(running.settings.extra.get("PDF_FONT"))
        except PdfFontMissingError as error:
            abort(503, description=str(error))
        names = {b.code: b.name for b in community.blocks}
        body, mimetype = to_pdf(report, laid_out, names, lang, font), "application/pdf"
    name = f"menu-report-{first}-{last}.{kind}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def previous_month(today: date) -> tuple[date, date]:
    """The month before today's: what the sub-district asks for at the start of a month."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last
