"""/api/v1/needs: log a need, find it, follow it through to resolution."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from flask import Response, abort, g, jsonify, url_for
from flask.views import MethodView
from marshmallow import Schema

from kernel.clock import SHANGHAI
from needs.audit import verify_case
from web.access import (
    LEADERS,
    READERS,
    check_block_allowed,
    check_need,
    listed_needs,
    need_in_scope,
)
from web.access.volunteers import VOLUNTEER
from web.api import schemas as s
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    command_key,
    command_opts,
    etag,
    page_schema,
    paged,
    shows,
)
from web.api.parsing import Blueprint
from web.api.people import check_assignee
from web.bootstrap import services
from web.operations.casework import CONFIRM, NEED_IDS, REFUSE

blp = Blueprint("needs", __name__, description="Needs on the menu, and what is done about them")
NeedPageSchema = page_schema(s.NeedSchema, "NeedPage")
CONFLICTS = {"description": "refused by the need's state (see the message)"}
NEED_OUT = s.NeedSchema()
Answer = tuple[dict[str, Any], int, dict[str, str]]


def answer(need_id: UUID, status: int = 200) -> Answer:
    """The answer to a command on the need: the case as this request has just saved it."""
    need = need_in_scope(need_id, as_saved=True)
    shows("needs.Need", need_id=need_id)
    return need, status, etag(need["version"])


@blp.route("/needs")
class Needs(MethodView):
    @roles(*READERS)
    @blp.arguments(s.NeedArgsSchema, location="query")
    @blp.response(200, NeedPageSchema)
    def get(self, args: dict[str, Any]) -> Response:
        """Needs within your scope, most urgent then oldest first."""
        filters = {
            "block": args.get("block"),
            "statuses": [args["status"]] if "status" in args else None,
            "category": args.get("category"),
            "urgency": args.get("urgency"),
            "household_id": args.get("household_id"),
        }
        # Each kept state of a case is written by the schema once; the page skips a second dump.
        return jsonify(
            paged(
                args,
                lambda limit, offset: listed_needs(
                    NEED_OUT.dump, limit=limit, offset=offset, **filters
                ),
            )
        )

    @roles(*LEADERS)
    @blp.arguments(s.LogNeedSchema)
    @blp.response(201, s.NeedSchema)
    @blp.alt_response(403, description="not your block")
    @blp.alt_response(404, description="no household with that household_id in the block")
    @blp.alt_response(
        409,
        description="the household's personal data was erased: no new needs; or a possible "
        "duplicate: the household has an open need in the category (reason possible_duplicate, "
        "existing_need_id); send duplicate_ok to log it anyway",
    )
    @blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, args: dict[str, Any]) -> Answer:
        """Log a need for a household named by address or by id."""
        check_block_allowed(args["block"])
        household = args.pop("household", {})
        duplicates = CONFIRM if args.pop("duplicate_ok") else REFUSE
        key = getattr(g, "idempotency_key", None)
        need_id = services().casework.log_need(
            community=g.user.community,
            actor=g.user.username,
            duplicates=duplicates,
            **household,
            **args,
            need_id=uuid5(NEED_IDS, f"{g.user.username}:{key}") if key else None,
            key=command_key(),
        )
        need, status, headers = answer(need_id, 201)
        headers["Location"] = url_for("needs.Need", need_id=need_id, _external=False)
        return need, status, headers


@blp.route("/needs/<uuid:need_id>")
class Need(MethodView):
    @roles(*READERS, VOLUNTEER)
    @blp.arguments(s.NeedAtSchema, location="query")
    @blp.response(200, s.NeedSchema)
    def get(self, args: dict[str, Any], need_id: UUID) -> Any:
        """The need as it is now — or, for the secretary and auditors, as it was after
        event `version` or as the service had recorded it by `as_of`."""
        if args and g.user.role not in ("secretary", "auditor"):
            abort(403, description="only the secretary and auditors read past states")
        version = args.get("version")
        if "as_of" in args:
            check_need(need_id)
            version = services().needs.version_as_of(need_id, args["as_of"])
            if version is None:
                abort(404, description="the need had not been logged by then")
        need = need_in_scope(need_id, version=version)
        if version is not None and need["version"] != version:
            abort(404, description=f"the need has no version {version}")
        return need, 200, etag(need["version"])


@blp.route("/needs/<uuid:need_id>/history")
class History(MethodView):
    @roles(*READERS)
    @blp.response(200, s.HistorySchema)
    def get(self, need_id: UUID) -> dict[str, Any]:
        """Every event of the case, oldest first, with who did it and both clocks."""
        check_need(need_id)
        events = services().needs.get_history(need_id)
        return {"events": [{**e, "data": iso_times(e["data"])} for e in events]}


@blp.route("/needs/<uuid:need_id>/matches")
class Matches(MethodView):
    @roles(*LEADERS)
    @blp.response(200, s.MatchSchema(many=True))
    def get(self, need_id: UUID) -> list[dict[str, Any]]:
        """Partners ranked for this need, each with the reasons for its place."""
        check_need(need_id)
        return [
            {
                "partner_id": m.partner_id,
                "name": m.name,
                "score": m.score,
                "reasons": [r.text for r in m.reasons],
                "reason_codes": [r.code for r in m.reasons],
            }
            for m in services().casework.matches(need_id)
        ]


@blp.route("/needs/<uuid:need_id>/reads")
class Reads(MethodView):
    @roles("secretary", "auditor")
    @blp.response(200, s.ReadsSchema)
    def get(self, need_id: UUID) -> dict[str, Any]:
        """Who was shown the resident's personal data in this case: when, which fields, where."""
        check_need(need_id)
        return {"reads": services().access_log.reads_of(need_id)}


@blp.route("/needs/<uuid:need_id>/verification")
class Verification(MethodView):
    @roles(*READERS)
    @blp.response(200, s.VerificationSchema)
    def get(self, need_id: UUID) -> dict[str, Any]:
        """Whether the case's stored history checks out: its chain of hashes, its snapshots,
        and the newest seal that covers it."""
        check_need(need_id)
        running = services()
        check = verify_case(running.needs, need_id)
        sealed = running.seals.covering(need_id)
        return {
            "need_id": need_id,
            "intact": check.intact,
            "checked_versions": check.versions,
            "head": check.head,
            "problems": [{"version": p.version, "problem": p.what} for p in check.problems],
            "sealed": sealed,
        }


def iso_times(value: Any) -> Any:
    """Times inside an event's data, written as the contract writes times."""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).isoformat()
    if isinstance(value, dict):
        return {k: iso_times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso_times(v) for v in value]
    return value


CommandView = Callable[..., Answer]


def need_command(
    schema: type[Schema], also: tuple[str, ...] = ()
) -> Callable[[CommandView], CommandView]:
    """What every command on a need shares: leaders only (and the roles `also` names), its
    body, the need as the answer, 409 and 412, and the If-Match and Idempotency-Key headers."""

    def decorate(post: CommandView) -> CommandView:
        post = blp.doc(parameters=[IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER])(post)
        post = blp.alt_response(412, description="If-Match is stale")(post)
        post = blp.alt_response(409, **CONFLICTS)(post)
        post = blp.response(200, s.NeedSchema)(post)
        # A body none of whose fields is required may be left out (as the document says).
        needed = any(field.required for field in schema().fields.values())
        return roles(*LEADERS, *also)(blp.arguments(schema, required=needed)(post))

    return decorate


@blp.route("/needs/<uuid:need_id>/assign")
class NeedAssign(MethodView):
    @need_command(s.AssignSchema)
    def post(self, args: dict[str, Any], need_id: UUID) -> Answer:
        """Set who owns the need."""
        current = check_need(need_id)
        check_assignee(args["assignee"])
        services().needs.assign(need_id, args["assignee"], **command_opts(args, current))
        return answer(need_id)


@blp.route("/needs/<uuid:need_id>/visits")
class NeedVisits(MethodView):
    @need_command(s.RecordVisitSchema, also=(VOLUNTEER,))
    def post(self, args: dict[str, Any], need_id: UUID) -> Answer:
        """Record a visit to the household."""
        current = check_need(need_id)
        opts = command_opts(args, current)
        if args.get("visited_at") is not None:
            opts["occurred_at"] = args["visited_at"]
        services().needs.record_visit(need_id, args["notes"], **opts)
        return answer(need_id)


@blp.route("/needs/<uuid:need_id>/notes")
class NeedNotes(MethodView):
    @need_command(s.AddNoteSchema)
    def post(self, args: dict[str, Any], need_id: UUID) -> Answer:
        """Add a note."""
        current = check_need(need_id)
        services().needs.add_note(need_id, args["text"], **command_opts(args, current))
        return answer(need_id)


@blp.route("/needs/<uuid:need_id>/urgency")
class NeedUrgency(MethodView):
    @need_command(s.ChangeUrgencySchema)
    def post(self, args: dict[str, Any], need_id: UUID) -> Answer:
        """Change the urgency, saying why."""
        current = check_need(need_id)
        opts = command_opts(args, current)
        services().needs.change_urgency(need_id, args["urgency"], args["reason"], **opts)
        return answer(need_id)


@blp.route("/needs/<uuid:need_id>/consent")
class NeedConsent(MethodView):
    @need_command(s.ConsentSchema)
    def post(self, args: dict[str, Any], need_id: UUID) -> Answer:
        """Record the resident's consent to share, or its withdrawal."""
        current = check_need(need_id)
        services().needs.record_consent(
            need_id, args["consent_to_share"], **command_opts(args, current)
        )
        return answer(need_id)


@blp.route("/needs/<uuid:need_id>/resolve")
class NeedResolve(MethodView):
    @need_command(s.ResolveSchema)
    def post(self, args: dict[str, Any], need_id: UUID) -> Answer:
        """Resolve the need; refused while a referral is open."""
        current = check_need(need_id)
        opts = command_opts(args, current)
        services().needs.resolve(need_id, args["outcome"], args["summary"], **opts)
        return answer(need_id)


@blp.route("/needs/<uuid:need_id>/reopen")
class NeedReopen(MethodView):
    @need_command(s.ReopenSchema)
    def post(self, args: dict[str, Any], need_id: UUID) -> Answer:
        """Reopen a resolved need, saying why."""
        current = check_need(need_id)
        services().needs.reopen(need_id, args["reason"], **command_opts(args, current))
        return answer(need_id)
