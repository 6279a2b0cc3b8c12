"""The auditor's view of a case: every event with who did it, when it happened and when it
was recorded, what it changed field by field, and the case as it stood at any event."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, abort, g, render_template, request

from web.access import need_in_scope
from web.bootstrap import services
from web.operations.export import field_changes
from web.pages.access import roles
from web.presentation.export_print import pdf_answer, record_of
from web.presentation.timeline import timeline

bp = Blueprint("audit", __name__)
AUDITORS = ("secretary", "auditor")


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field whose value differs between two states of a case, as the page shows it."""
    return [
        {**c, "before": shown(c["before"]), "after": shown(c["after"])}
        for c in field_changes(before, after)
    ]


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        from web.presentation.words import when

        return when(value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


@bp.route("/needs/<uuid:need_id>/history")
@roles(*AUDITORS)
def history(need_id: UUID) -> str:
    """The case's events, each with its changes; `?at=<event number>` shows the case then."""
    running = services()
    latest = need_in_scope(need_id)
    events = running.needs.get_history(need_id)
    rows = timeline(latest, events)
    previous: dict[str, Any] | None = None
    for row in rows:
        state = running.needs.get_need(need_id, version=row["version"])
        row["changes"] = changes(previous, state)
        previous = state
    at = request.args.get("at", type=int)
    if at is not None and not 1 <= at <= latest["version"]:
        abort(404)
    then = need_in_scope(need_id, version=at) if at is not None else None
    return render_template(
        "pages/history.html",
        need=latest,
        events=rows,
        then=then,
        at=at,
        category=running.needs.community(latest["community"]).category(latest["category"]),
        viewer_role=g.user.role,
    )


@bp.route("/needs/<uuid:need_id>/export")
@roles(*AUDITORS)
def export(need_id: UUID) -> str:
    """The case's whole record with its chain's verification, laid out to print."""
    return render_template("pages/export.html", record=record_of(need_id))


@bp.route("/needs/<uuid:need_id>/export.pdf")
@roles(*AUDITORS)
def export_pdf(need_id: UUID) -> Response:
    """The same record as a PDF."""
    return pdf_answer(record_of(need_id))
