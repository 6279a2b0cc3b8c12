"""Referrals: the closed loop with partners — sent, accepted or declined, then completed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid5

from flask import abort, g, url_for
from flask.views import MethodView
from marshmallow import Schema

from web.access import check_need, referral_in_scope, shown_to_partner
from web.api import schemas as s
from web.api.auth import roles
from web.api.common import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    command_opts,
    etag,
    page_of,
    page_schema,
    shows,
)
from web.api.parsing import Blueprint
from web.bootstrap import services
from web.operations.representation import ReferralSchema

blp = Blueprint("referrals", __name__, description="Referrals to partners and their answers")
ReferralPageSchema = page_schema(ReferralSchema, "ReferralPage")
DOC = {"parameters": [IF_MATCH_PARAMETER, IDEMPOTENCY_PARAMETER]}
Answer = tuple[dict[str, Any], int, dict[str, str]]
# A referral's steps pin the referral's own version, not the case's.
PINNED = "expected_referral_version"


def answer(referral_id: UUID, status: int = 200) -> Answer:
    referral = referral_in_scope(referral_id)
    shows("referrals.Referral", referral_id=referral_id)
    return referral, status, etag(referral["version"])


@blp.route("/needs/<uuid:need_id>/referrals")
class NeedReferrals(MethodView):
    @roles("secretary", "block_leader")
    @blp.arguments(s.ReferSchema)
    @blp.response(201, ReferralSchema)
    @blp.alt_response(409, description="the partner may not take this need (see the message)")
    @blp.alt_response(412, description="If-Match is stale")
    @blp.doc(**DOC)
    def post(self, args: dict[str, Any], need_id: UUID) -> Any:
        """Refer the need to a partner; it must answer by `respond_by`."""
        current = check_need(need_id)
        key = getattr(g, "idempotency_key", None)
        opts = {**command_opts(args, current), "may_override": g.user.role == "secretary"}
        if "override_reason" in args:
            opts["override_reason"] = args["override_reason"]
        referral_id = services().casework.refer(
            need_id,
            args["partner_id"],
            args["note"],
            referral_id=uuid5(need_id, f"{g.user.username}:{key}") if key else None,
            **opts,
        )
        referral, status, headers = answer(referral_id, 201)
        headers["Location"] = url_for("referrals.Referral", referral_id=referral_id)
        return referral, status, headers


@blp.route("/referrals/<uuid:referral_id>")
class Referral(MethodView):
    @blp.response(200, ReferralSchema)
    def get(self, referral_id: UUID) -> Any:
        """One referral, as you may see it (a partner sees personal data only with consent)."""
        return answer(referral_id)


@blp.route("/partners/<uuid:partner_id>/referrals")
class Inbox(MethodView):
    @roles("partner", "secretary", "auditor")
    @blp.arguments(s.ReferralArgsSchema, location="query")
    @blp.response(200, ReferralPageSchema)
    def get(self, args: dict[str, Any], partner_id: UUID) -> dict[str, Any]:
        """A partner's inbox: open referrals first, the soonest deadline first."""
        user = g.user
        if user.role == "partner" and user.partner_id != partner_id:
            abort(403, description="this is another partner's inbox")
        running = services()
        partner = running.partners.get_partner(partner_id)
        if partner.community != user.community:
            abort(404, description=f"no partner {partner_id}")
        rows, total = running.view.list_referrals(
            partner_id,
            statuses=[args["status"]] if "status" in args else None,
            limit=args["per_page"],
            offset=(args["page"] - 1) * args["per_page"],
        )
        items = [running.casework.get_referral(UUID(row["referral_id"])) for row in rows]
        if user.role == "partner":
            items = [shown_to_partner(item) for item in items]
        return page_of(items, total, args)


CommandView = Callable[..., Answer]


def referral_command(schema: type[Schema], *who: str) -> Callable[[CommandView], CommandView]:
    """What every step of a referral shares: who may take it, its body, the referral as the
    answer, 409 and 412, and the If-Match and Idempotency-Key headers."""

    def decorate(post: CommandView) -> CommandView:
        post = blp.doc(**DOC)(post)
        post = blp.alt_response(412, description="If-Match is stale")(post)
        post = blp.alt_response(409, description="the referral's state forbids it")(post)
        post = blp.response(200, ReferralSchema)(post)
        return roles(*who)(blp.arguments(schema)(post))

    return decorate


@blp.route("/referrals/<uuid:referral_id>/accept")
class ReferralAccept(MethodView):
    @referral_command(s.AcceptSchema, "partner")
    def post(self, args: dict[str, Any], referral_id: UUID) -> Answer:
        """Accept the referral."""
        current = referral_in_scope(referral_id)["version"]
        opts = command_opts(args, current, version=PINNED)
        services().casework.act_on_referral(referral_id, "accept", args["note"], **opts)
        return answer(referral_id)


@blp.route("/referrals/<uuid:referral_id>/decline")
class ReferralDecline(MethodView):
    @referral_command(s.DeclineSchema, "partner")
    def post(self, args: dict[str, Any], referral_id: UUID) -> Answer:
        """Decline the referral with a reason code."""
        current = referral_in_scope(referral_id)["version"]
        opts = command_opts(args, current, version=PINNED)
        reason, note = args["reason"], args["note"]
        services().casework.act_on_referral(referral_id, "decline", reason, note, **opts)
        return answer(referral_id)


@blp.route("/referrals/<uuid:referral_id>/complete")
class ReferralComplete(MethodView):
    @referral_command(s.CompleteSchema, "partner")
    def post(self, args: dict[str, Any], referral_id: UUID) -> Answer:
        """Report the outcome of an accepted referral."""
        current = referral_in_scope(referral_id)["version"]
        opts = command_opts(args, current, version=PINNED)
        outcome, note = args["outcome"], args["note"]
        services().casework.act_on_referral(referral_id, "complete", outcome, note, **opts)
        return answer(referral_id)


@blp.route("/referrals/<uuid:referral_id>/withdraw")
class ReferralWithdraw(MethodView):
    @referral_command(s.WithdrawSchema, "secretary", "block_leader")
    def post(self, args: dict[str, Any], referral_id: UUID) -> Answer:
        """Take a sent or accepted referral back."""
        current = referral_in_scope(referral_id)["version"]
        opts = command_opts(args, current, version=PINNED)
        services().casework.act_on_referral(referral_id, "withdraw", args["reason"], **opts)
        return answer(referral_id)
