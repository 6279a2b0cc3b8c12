"""The commands on a project, under /api/v1/projects/{id}/…: households, consents, team,
meetings, ledger, phase, rota, and each step's stamps, completion and blocking. Each takes
If-Match and Idempotency-Key and answers with the project (on web.api.projects' blueprint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask.views import MethodView
from marshmallow import Schema

from web.access import LEADERS, WORKERS, check_collector, check_project
from web.api import project_read_schemas as r
from web.api import project_schemas as s
from web.api.auth import roles
from web.api.common import IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER, command_opts
from web.api.projects import Answer, answer, blp, household_of, today
from web.bootstrap import services

CommandView = Callable[..., Answer]


def command(
    schema: type[Schema], *, status: int = 200, work: str | None = None
) -> Callable[[CommandView], CommandView]:
    """What every command on a project shares: its runners only (with its team members, for
    their `work`: web.access.MEMBER_WORK), its body, If-Match and Idempotency-Key, the project
    as the answer."""

    def decorate(view: CommandView) -> CommandView:
        documented = blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER])(view)
        documented = blp.alt_response(409, description="the project's state refuses it")(documented)
        documented = blp.alt_response(412, description="If-Match names an old version")(documented)
        documented = blp.response(status, r.ProjectSchema)(documented)
        # A body none of whose fields is required may be left out (as the document says).
        needed = any(field.required for field in schema().fields.values())
        documented = blp.arguments(schema, required=needed)(documented)
        return roles(*(WORKERS if work else LEADERS))(documented)

    return decorate


def opts_for(project_id: UUID, args: dict[str, Any], work: str | None = None) -> dict[str, Any]:
    project = check_project(project_id, work)
    return command_opts(args, project["version"])


@blp.route("/projects/<uuid:project_id>/households")
class Households(MethodView):
    @command(s.NewProjectHouseholdSchema)
    def post(self, args: dict[str, Any], project_id: UUID) -> Answer:
        """Add a household (only while consenting)."""
        opts = opts_for(project_id, args)
        services().projects.add_household(project_id, household_of(args), **opts)
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/consents")
class Consents(MethodView):
    @command(s.NewConsentSchema, work="consent")
    def post(self, args: dict[str, Any], project_id: UUID) -> Answer:
        """Record a household's answer in the current round (a team member: one they
        collected), or take it back (`withdrawn`, by the project's runners): below the threshold
        before approval, the project goes back to consenting."""
        withdrawn = args["answer"] == "withdrawn"
        opts = opts_for(project_id, args, None if withdrawn else "consent")
        running = services().projects
        if withdrawn:
            running.withdraw_consent(project_id, args["household_id"], args["reason"], **opts)
        else:
            running.record_consent(
                project_id,
                args["household_id"],
                args["answer"],
                round=args.get("round"),
                collected_by=check_collector(args["collected_by"]),
                on_paper=args["on_paper"],
                signatory=args["signatory"],
                **opts,
            )
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/team")
class Team(MethodView):
    @command(s.NewTeamMemberSchema)
    def post(self, args: dict[str, Any], project_id: UUID) -> Answer:
        """Appoint a team member (a resident may hold an account), or `stand_down` one."""
        opts = opts_for(project_id, args)
        running = services().projects
        if args.get("stand_down") is not None:
            running.stand_down(project_id, args["stand_down"], **opts)
        else:
            running.appoint(
                project_id,
                args["role"],
                args["name"],
                household_id=args["household_id"],
                account=args["account"],
                **opts,
            )
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/meetings")
class Meetings(MethodView):
    @command(s.NewMeetingSchema, work="meeting")
    def post(self, args: dict[str, Any], project_id: UUID) -> Answer:
        """Record a meeting: its kind, day, households present, minutes and decisions."""
        opts = opts_for(project_id, args, "meeting")
        services().projects.hold_meeting(
            project_id,
            kind=args["kind"],
            held_on=args["held_on"].isoformat(),
            households_present=args["households_present"],
            attendees=args["attendees"],
            minutes=args["minutes"],
            decisions=args["decisions"],
            **opts,
        )
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/ledger")
class Ledger(MethodView):
    @command(s.NewLedgerEntrySchema, work="ledger")
    def post(self, args: dict[str, Any], project_id: UUID) -> Answer:
        """A pledge, payment, expense or refund in fen (a team member: the treasurer only); or
        (`share_rule`, by the project's runners) how the total (`amount_fen`) is shared: equal,
        or by floor with weights."""
        opts = opts_for(project_id, args, None if args["kind"] == "share_rule" else "ledger")
        running = services().projects
        if args["kind"] == "share_rule":
            running.set_share_rule(
                project_id,
                args.get("share") or "equal",
                args["amount_fen"],
                weights={str(w["floor"]): w["weight"] for w in args["weights"]},
                **opts,
            )
        else:
            running.enter(
                project_id,
                args["kind"],
                args["amount_fen"],
                on=(args.get("on") or today()).isoformat(),
                household_id=args["household_id"],
                payee=args["payee"],
                receipt=args["receipt"],
                **opts,
            )
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/phase")
class PhaseView(MethodView):
    @command(s.NewPhaseSchema)
    def post(self, args: dict[str, Any], project_id: UUID) -> Answer:
        """Move the project to its next phase: applying once the consent threshold is met,
        building once every approval step is complete."""
        opts = opts_for(project_id, args)
        services().projects.reach_phase(project_id, args["phase"], **opts)
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/rota")
class Rota(MethodView):
    @command(s.NewRotaSchema)
    def post(self, args: dict[str, Any], project_id: UUID) -> Answer:
        """Set the aftercare rota: cleaning, the red flag, who and how often."""
        opts = opts_for(project_id, args)
        rota = [{**d, "households": [str(h) for h in d["households"]]} for d in args["rota"]]
        services().projects.set_rota(project_id, rota, **opts)
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/steps/<string:step_id>/stamps")
class Stamps(MethodView):
    @command(s.NewStampSchema, work="stamp")
    def post(self, args: dict[str, Any], project_id: UUID, step_id: str) -> Answer:
        """A stamp obtained for a step: its department, day and reference."""
        opts = opts_for(project_id, args, "stamp")
        services().projects.obtain_stamp(
            project_id,
            step_id,
            on=args["on"].isoformat(),
            department=args["department"],
            reference=args["reference"],
            **opts,
        )
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/steps/<string:step_id>/complete")
class Complete(MethodView):
    @command(s.CompleteStepSchema)
    def post(self, args: dict[str, Any], project_id: UUID, step_id: str) -> Answer:
        """Complete a step that has the stamps it needs."""
        opts = opts_for(project_id, args)
        on = args["on"].isoformat() if args["on"] else None
        services().projects.complete_step(project_id, step_id, on=on, **opts)
        return answer(project_id)


@blp.route("/projects/<uuid:project_id>/steps/<string:step_id>/block")
class BlockStep(MethodView):
    @command(s.BlockStepSchema)
    def post(self, args: dict[str, Any], project_id: UUID, step_id: str) -> Answer:
        """Mark a step blocked, saying why."""
        opts = opts_for(project_id, args)
        services().projects.block_step(project_id, step_id, args["reason"], **opts)
        return answer(project_id)
