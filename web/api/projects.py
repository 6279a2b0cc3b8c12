"""/api/v1/project-templates and /api/v1/projects: resident-led projects (a lift retrofit first),
their consents, team, meetings, steps and stamps, money, phases, rota, history and stamp table.
The secretary and the block's leader run a project; the auditor reads it, with its history."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask import Response, abort, g, url_for
from flask.views import MethodView

from kernel.clock import SHANGHAI
from web.access import (
    LEADERS,
    PROJECT_READERS,
    READERS,
    check_block_allowed,
    check_project,
    project_in_scope,
    projects_in_scope,
)
from web.api import project_read_schemas as r
from web.api import project_schemas as s
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    command_key,
    etag,
    page_of,
    shows,
)
from web.api.needs import iso_times
from web.api.parsing import Blueprint
from web.api.schemas import HistorySchema
from web.bootstrap import services
from web.operations.projects import registered_households

blp = Blueprint("projects", __name__, description="Resident-led projects and their templates")
Answer = tuple[dict[str, Any], int, dict[str, str]]
EXPORT_CONTENT = {
    "application/json": {"schema": r.ProjectExportSchema},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
}


@blp.route("/project-templates")
class Templates(MethodView):
    @roles(*PROJECT_READERS)
    @blp.response(200, s.ProjectTemplateSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Every template, at its newest version (templates are shared: any community may
        start from any of them)."""
        return services().projects.list_templates()

    @roles("secretary")
    @blp.arguments(s.NewProjectTemplateSchema)
    @blp.response(201, s.ProjectTemplateSchema)
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Any:
        """A new template: its kind, its phases in order and its steps."""
        template_id = services().projects.make_template(
            actor=g.user.username, key=command_key(), **args
        )
        shows("projects.Template", template_id=template_id)
        template = services().projects.get_template(template_id)
        location = url_for("projects.Template", template_id=template_id)
        return template, 201, {"Location": location, **etag(template["versions"])}


@blp.route("/project-templates/<uuid:template_id>")
class Template(MethodView):
    @roles(*PROJECT_READERS)
    @blp.arguments(s.ProjectTemplateArgsSchema, location="query")
    @blp.response(200, s.ProjectTemplateSchema)
    def get(self, args: dict[str, Any], template_id: UUID) -> Any:
        """The template at its newest version, or at `version`."""
        template = services().projects.get_template(template_id, args.get("version"))
        return template, 200, etag(template["versions"])


@blp.route("/projects")
class Projects(MethodView):
    @roles(*PROJECT_READERS)
    @blp.arguments(s.ProjectListArgsSchema, location="query")
    @blp.response(200, r.ProjectPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The projects the caller may read (web.access.may_read_project), by block and phase
        (`status`)."""
        found = projects_in_scope(args.get("block"), args.get("status"))
        start = (args["page"] - 1) * args["per_page"]
        return page_of(found[start : start + args["per_page"]], len(found), args)

    @roles(*LEADERS)
    @blp.arguments(s.NewProjectSchema)
    @blp.response(201, r.ProjectSchema)
    @blp.alt_response(403, description="not your block")
    @blp.alt_response(404, description="no template with that template_id")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Any:
        """Start a project in a building from a template version, with its households."""
        check_block_allowed(args["block"])
        households = [household_of(h) for h in args.pop("households")]
        if args.pop("registered_households"):
            running = services()
            where = running.needs.community(g.user.community)
            building = where.building_in_block(args["block"], args["building"])
            known = {h["household_id"] for h in households}
            households += [
                h
                for h in registered_households(running, where.id, args["block"], building)
                if h["household_id"] not in known
            ]
        project_id = services().projects.start_project(
            community=g.user.community,
            actor=g.user.username,
            key=command_key(),
            households=households,
            **args,
        )
        project, status, headers = answer(project_id, 201)
        headers["Location"] = url_for("projects.Project", project_id=project_id)
        return project, status, headers


@blp.route("/projects/<uuid:project_id>")
class Project(MethodView):
    @roles(*PROJECT_READERS)
    @blp.response(200, r.ProjectSchema)
    def get(self, project_id: UUID) -> Any:
        """The project: its phase, consent tally per round, progress, ledger, team."""
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/steps")
class Steps(MethodView):
    @roles(*PROJECT_READERS)
    @blp.response(200, r.ProjectStepSchema(many=True))
    def get(self, project_id: UUID) -> list[dict[str, Any]]:
        """The checklist: every step by phase, its department, state and stamps."""
        project_in_scope(project_id, note=False)
        return services().projects.get_steps(project_id)


@blp.route("/projects/<uuid:project_id>/history")
class History(MethodView):
    @roles(*READERS)
    @blp.response(200, HistorySchema)
    def get(self, project_id: UUID) -> dict[str, Any]:
        """Every event of the project, oldest first, with who did it and both clocks."""
        project_in_scope(project_id)
        events = services().projects.get_history(project_id)
        return {"events": [{**e, "data": iso_times(e["data"])} for e in events]}


@blp.route("/projects/<uuid:project_id>/export")
class Export(MethodView):
    @roles(*PROJECT_READERS)
    @blp.arguments(r.ProjectExportArgsSchema, location="query")
    @blp.response(200, r.ProjectExportSchema)
    @blp.doc(responses={"200": {"description": "OK", "content": EXPORT_CONTENT}})
    def get(self, args: dict[str, Any], project_id: UUID) -> Any:
        """The stamp table as committees hand it on: every step, its department, stamps and
        dates, with the project and its verification; `?format=pdf` for print."""
        project = project_in_scope(project_id)
        running = services()
        document = {
            "project": project,
            "steps": running.projects.get_steps(project_id),
            "verification": running.projects.verify(project_id),
            "exported_at": running.clock.now(),
            "exported_by": g.user.username,
        }
        if args["format"] == "pdf":
            from web.presentation.project_print import stamp_table_pdf

            answer_pdf: Response = stamp_table_pdf(document)
            return answer_pdf
        return document


@blp.route("/projects/<uuid:project_id>/template")
class ToTemplate(MethodView):
    @roles("secretary")
    @blp.arguments(s.ToTemplateSchema, required=False)
    @blp.response(201, s.ProjectTemplateSchema)
    @blp.alt_response(409, description="the project is not in operation or closed")
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any], project_id: UUID) -> Any:
        """Turn a finished project's real steps (stamps, days) into a new template version."""
        check_project(project_id)
        template_id, number = services().projects.make_template_from(
            project_id, actor=g.user.username, note=args["note"], key=command_key()
        )
        shows("projects.Template", template_id=template_id)
        template = services().projects.get_template(template_id, number)
        location = url_for("projects.Template", template_id=template_id, version=number)
        return template, 201, {"Location": location, **etag(template["versions"])}


def answer(project_id: UUID, status: int = 200) -> Answer:
    project = project_in_scope(project_id)
    shows("projects.Project", project_id=project_id)
    return project, status, etag(project["version"])


def household_of(args: dict[str, Any]) -> dict[str, Any]:
    if args.get("household_id") is None and not args.get("label"):
        abort(422, description="a household is given by its household_id or its label")
    return {k: args.get(k) for k in ("household_id", "floor", "label", "name", "initiator")}


def today() -> date:
    return services().clock.now().astimezone(SHANGHAI).date()
