"""Resident-led projects on the phone: the projects I may read, and a project's page — its
consent board drawn as the building (floors and households: green yes, red no, grey not yet),
its flow chart and checklist by phase with stamps, its team and its money, and the forms its
runners and team record a meeting, a stamp and a payment with (the consent at the door has its
own page: web/pages/project_door.py). Also a template's page with its flow chart, and the
printable stamp table."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from kernel.errors import DomainError
from store.commands import CommandKey
from web.access import (
    PROJECT_READERS,
    WORKERS,
    check_project,
    may_do_project,
    project_in_scope,
    projects_in_scope,
)
from web.bootstrap import services
from web.pages.access import roles
from web.pages.flow_chart import flow_chart
from web.pages.project_forms import page_key, work_forms

bp = Blueprint("project_page", __name__)


def phase_names() -> dict[str, str]:
    return {
        "consenting": _("Consenting"),
        "applying": _("Applying"),
        "approved": _("Approved"),
        "building": _("Under construction"),
        "accepted": _("Passed inspection"),
        "in_operation": _("In operation"),
        "closed": _("Closed"),
    }


def role_names() -> dict[str, str]:
    return {
        "leader": _("Team leader"),
        "treasurer": _("Treasurer"),
        "technical_adviser": _("Technical adviser"),
        "field_officer": _("Field officer"),
        "adviser": _("Adviser"),
    }


@bp.route("/projects")
@roles(*PROJECT_READERS)
def projects() -> Any:
    """The projects I may read: my blocks' (the secretary's and the auditor's: the
    community's; a team member's: those they serve on)."""
    found = projects_in_scope()
    return render_template("pages/projects.html", projects=found, phase_names=phase_names())


@bp.route("/projects/<uuid:project_id>")
@roles(*PROJECT_READERS)
def project(project_id: UUID) -> Any:
    """One project: its consent board, flow chart, checklist by phase, team and ledger."""
    return _project_page(project_id)


def _project_page(project_id: UUID, posted: Any = None, status: int = 200) -> Any:
    """The project's page; `posted`: the form just sent and refused, shown with its errors."""
    shown = project_in_scope(project_id)
    steps = services().projects.get_steps(project_id)
    phases = _phases(project_id)
    titles = {p["code"]: p["title"] for p in phases}
    checklist = [
        {"code": code, "title": titles.get(code, code), "steps": list(rows)}
        for code, rows in groupby(steps, key=lambda s: s["phase"])
    ]
    forms = work_forms(shown, steps)
    if posted is not None:
        forms[posted[0]] = posted[1]
    offered = {work: may_do_project(shown, _WORK[work]) for work in ("consent", *forms)}
    html = render_template(
        "pages/project.html",
        project=shown,
        floors=board(shown),
        checklist=checklist,
        chart=flow_chart(phases, steps),
        forms=forms,
        offered=offered,
        phase_names=phase_names(),
        role_names=role_names(),
    )
    return html, status


def board(project: dict[str, Any]) -> list[dict[str, Any]]:
    """The building from its top floor down, each floor's households by room."""
    rows = sorted(project["households"], key=lambda h: (-h["floor"], str(h["label"] or "")))
    return [
        {"floor": floor, "households": list(homes)}
        for floor, homes in groupby(rows, key=lambda h: h["floor"])
    ]


def _phases(project_id: UUID) -> list[dict[str, Any]]:
    project = services().projects.load(project_id)
    return list(project.phases)


@bp.route("/projects/<uuid:project_id>/<any(meeting, stamp, payment):work>", methods=["POST"])
@roles(*WORKERS)
def record(project_id: UUID, work: str) -> Any:
    """Record a meeting, a stamp or a payment from the project's page."""
    check_project(project_id, _WORK[work])
    shown = project_in_scope(project_id, note=False)
    form = work_forms(shown, services().projects.get_steps(project_id), request.form)[work]
    if not form.validate():
        return _project_page(project_id, (work, form), 422)
    try:
        _RECORDERS[work](project_id, form, page_key(form.key.data))
    except DomainError as error:
        flash(error.message, "error")
        return _project_page(project_id, (work, form), 409)
    flash(_DONE[work](), "ok")
    return redirect(url_for(".project", project_id=project_id))


def _meeting(project_id: UUID, form: Any, key: CommandKey) -> None:
    services().projects.hold_meeting(
        project_id,
        kind=form.kind.data,
        held_on=form.held_on.data.isoformat(),
        attendees=form.attendees.data or "",
        minutes=form.minutes.data or "",
        decisions=form.decisions.data or "",
        actor=g.user.username,
        key=key,
    )


def _stamp(project_id: UUID, form: Any, key: CommandKey) -> None:
    services().projects.obtain_stamp(
        project_id,
        form.step_id.data,
        on=form.on.data.isoformat(),
        reference=form.reference.data or "",
        actor=g.user.username,
        key=key,
    )


def _payment(project_id: UUID, form: Any, key: CommandKey) -> None:
    services().projects.enter(
        project_id,
        form.kind.data,
        form.fen,
        on=form.on.data.isoformat(),
        household_id=UUID(form.household_id.data),
        receipt=form.receipt.data or "",
        actor=g.user.username,
        key=key,
    )


_WORK = {"consent": "consent", "meeting": "meeting", "stamp": "stamp", "payment": "ledger"}
_RECORDERS = {"meeting": _meeting, "stamp": _stamp, "payment": _payment}
_DONE = {
    "meeting": lambda: _("Meeting recorded."),
    "stamp": lambda: _("Stamp recorded."),
    "payment": lambda: _("Payment recorded."),
}


@bp.route("/projects/<uuid:project_id>/stamp-table")
@roles(*PROJECT_READERS)
def stamp_table(project_id: UUID) -> Any:
    """The stamp table as committees hand it on: every step by phase, its department, the
    stamps it needs and those obtained, with their dates and references. Printable."""
    shown = project_in_scope(project_id)
    steps = services().projects.get_steps(project_id)
    english = not str(get_locale() or "zh").startswith("zh")
    titles = {
        p["code"]: (p.get("title_en") or p["title"]) if english else p["title"]
        for p in _phases(project_id)
    }
    table = [
        {"title": titles.get(code, code), "steps": list(rows)}
        for code, rows in groupby(steps, key=lambda s: s["phase"])
    ]
    return render_template(
        "pages/stamp_table.html", project=shown, table=table, phase_names=phase_names()
    )


@bp.route("/project-templates/<uuid:template_id>")
@roles(*PROJECT_READERS)
def template(template_id: UUID) -> Any:
    """A template at its newest version (or `?version=`): its flow chart, and its steps with
    the department that signs each and, from a finished project, what each took."""
    version = request.args.get("version", type=int)
    shown = services().projects.get_template(template_id, version)
    chart = flow_chart(shown["phases"], shown["steps"])
    return render_template("pages/project_template.html", template=shown, chart=chart)
