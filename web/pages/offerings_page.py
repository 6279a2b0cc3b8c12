"""The resource list (资源清单) on a phone: what the partners offer, by category, with the next
session; a block leader refers one of their open needs straight to an offering (the referral's
note names it, so the partner sees which)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kernel.clock import SHANGHAI
from web.access import CLERKS, LEADERS, READERS, check_need
from web.bootstrap import services
from web.operations.offering_referrals import refer_to_offering
from web.pages import casepage
from web.pages.access import roles
from web.pages.directory_forms import ReferToOfferingForm

bp = Blueprint("offerings_page", __name__)


def open_needs(category: str) -> list[tuple[str, str]]:
    """The caller's open needs of a category, as choices: no resident's details, only where."""
    user = g.user
    blocks = list(user.blocks) if user.role == "block_leader" else None
    rows, _total = services().view.list_needs(
        user.community, blocks=blocks, statuses=["open", "in_progress"], category=category,
        limit=50,
    )  # fmt: skip
    return [
        (str(r["need_id"]), _("%(block)s, building %(building)s, logged %(day)s",
                              block=r["block"], building=r["building"],
                              day=r["logged_at"].astimezone(SHANGHAI).date().isoformat()))
        for r in rows
    ]  # fmt: skip


def refer_form(category: str, *, submitted: bool = False) -> ReferToOfferingForm:
    form = ReferToOfferingForm(prefix="refer", **({} if submitted else {"formdata": None}))
    form.need.choices = open_needs(category)
    return form


def listing(sent: tuple[UUID, Any] | None = None) -> str:
    """The offerings by category (one category with ?category=), each with its refer form."""
    running = services()
    community = running.needs.community(g.user.community)
    chosen = request.args.get("category") or None
    if chosen not in {c.code for c in community.categories}:
        chosen = None
    today = running.casework.today()
    records = running.partners.offerings.list_offerings(g.user.community, category=chosen)
    names = {p.partner_id: p.name for p in running.partners.list_partners(g.user.community)}
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        form = None
        if g.user.role in LEADERS:
            form = (
                sent[1] if sent and sent[0] == record.offering_id else refer_form(record.category)
            )
        groups.setdefault(record.category, []).append(
            {"offering": record, "partner": names.get(record.partner_id, ""),
             "next": record.next_session(today), "form": form}
        )  # fmt: skip
    return render_template(
        "pages/offerings.html", groups=groups, categories=community.categories, chosen=chosen
    )


@bp.route("/offerings")
@roles(*READERS, *CLERKS)
def offerings() -> str:
    """The resource list."""
    return listing()


@bp.route("/offerings/<uuid:offering_id>/refer", methods=["POST"])
@roles(*LEADERS)
def refer(offering_id: UUID) -> Any:
    """Refer one of my open needs to this offering's partner."""
    running = services()
    offering = running.partners.offerings.get(offering_id)
    if offering.community != g.user.community:
        abort(404)
    form = refer_form(offering.category, submitted=True)
    if form.validate_on_submit():
        need_id = UUID(form.need.data)
        check_need(need_id)
        try:
            refer_to_offering(
                running.casework, offering_id, need_id, form.note.data or "",
                community=g.user.community, actor=g.user.username,
                may_override=g.user.role == "secretary",
            )  # fmt: skip
        except casepage.REFUSALS as error:
            return listing((offering_id, form)), casepage.refuse(form, error)
        flash(_("Referred to %(title)s.", title=offering.title), "ok")
        return redirect(url_for("pages.leader.case", need_id=need_id))
    return listing((offering_id, form)), 422
