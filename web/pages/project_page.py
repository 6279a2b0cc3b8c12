"""Resident-led projects on the phone: the projects of my blocks, and a project's page — its
consent board drawn as the building (floors and households: green yes, red no, grey not yet),
its checklist by phase with stamps, its team and its money."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from uuid import UUID

from flask import Blueprint, render_template
from flask_babel import gettext as _

from web.access import PROJECT_READERS, project_in_scope, projects_in_scope
from web.bootstrap import services
from web.pages.access import roles

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
    """One project: its consent board, its checklist by phase, its team and its ledger."""
    shown = project_in_scope(project_id)
    steps = services().projects.get_steps(project_id)
    titles = {p["code"]: p["title"] for p in _phases(project_id)}
    checklist = [
        {"code": code, "title": titles.get(code, code), "steps": list(rows)}
        for code, rows in groupby(steps, key=lambda s: s["phase"])
    ]
    return render_template(
        "pages/project.html",
        project=shown,
        floors=board(shown),
        checklist=checklist,
        phase_names=phase_names(),
        role_names=role_names(),
    )


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
