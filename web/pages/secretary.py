"""The secretary's pages: the menu board, reassigning a case and the partner directory (the
people who sign in: web/pages/people.py, on the same blueprint). Only the secretary opens them;
others get a clear 403 page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kernel.community import Community
from partners.domain import PartnerKind
from web.access import need_in_scope
from web.bootstrap import Services, services
from web.operations.follow_ups import follow_up_board
from web.pages import casepage
from web.pages import office_forms as f
from web.pages.access import roles
from web.pages.chart import weekly_chart
from web.presentation import labels

bp = Blueprint("secretary", __name__)
OPEN = ("open", "in_progress")
PARTNER_KINDS = {
    "hospital": _l("Hospital"),
    "police": _l("Police station"),
    "training": _l("Training centre"),
    "property": _l("Property management"),
    "owners_committee": _l("Owners' committee"),
    "government": _l("Government office"),
    "enterprise": _l("Enterprise"),
    "ngo": _l("Social organisation"),
    "other": _l("Other"),
}
ALL_BLOCKS = "*"


def own_community() -> Community:
    """The secretary's community."""
    return services().needs.community(g.user.community)


# --- the board -------------------------------------------------------------------------------


@bp.route("/board")
@roles("secretary")
def board() -> str:
    """Blocks × categories with open and overdue counts, escalations, the weekly flow and how
    quickly each partner answers."""
    running = services()
    community = own_community()
    now = running.clock.now()
    hours = {c.code: c.first_contact_hours for c in community.categories}
    grid: dict[tuple[str, str], dict[str, int]] = {}
    for row in running.view.counts(g.user.community):
        if row["status"] in OPEN:
            cell = grid.setdefault((row["block"], row["category"]), {"open": 0, "overdue": 0})
            cell["open"] += int(row["n"])
    overdue = running.board.list_overdue_needs(g.user.community, hours, now)
    for row in overdue:
        cell = grid.setdefault((row["block"], row["category"]), {"open": 0, "overdue": 0})
        cell["overdue"] += 1
    return render_template(
        "pages/board.html",
        community=community,
        grid=grid,
        overdue=overdue,
        escalated=running.board.list_escalated(g.user.community),
        chart=weekly_chart(running.board.weekly_flow(g.user.community, now)),
        partners=responsiveness(running, now),
        follow_ups=follow_up_board(running, g.user.community, None, now),
    )


def responsiveness(running: Services, now: datetime) -> list[dict[str, Any]]:
    """Each partner with its acceptance rate and median time to accept, by name."""
    history = running.view.partner_history(g.user.community, now - timedelta(days=7))
    rows = []
    for partner in running.partners.list_partners(g.user.community):
        record = history.get(partner.partner_id, {})
        answered = sum(record.get(k, 0) for k in ("accepted", "declined", "expired"))
        hours = record.get("median_hours_to_accept")
        rows.append(
            {
                "partner": partner,
                "answered": answered,
                "accepted": record.get("accepted", 0),
                "open": record.get("open_load", 0),
                "rate": round(100 * record.get("accepted", 0) / answered) if answered else None,
                "median": None
                if hours is None
                else format_timedelta(timedelta(hours=hours), granularity="minute", threshold=1.1),
            }
        )
    return rows


# --- reassign --------------------------------------------------------------------------------


@bp.route("/needs/<uuid:need_id>/assign", methods=["POST"])
@roles("secretary")
def reassign(need_id: UUID) -> Any:
    """Give the case to another block leader (or the secretary)."""
    need = need_in_scope(need_id)
    form = casepage.assign_form(need, submitted=True)
    if form.validate_on_submit():
        if form.assignee.data not in dict(form.assignee.choices):
            form.assignee.errors = [str(_l("Choose one of these."))]
        else:
            try:
                services().needs.assign(need_id, form.assignee.data, actor=g.user.username)
            except casepage.REFUSALS as error:
                status = casepage.refuse(form, error)
                page = render_template(
                    "pages/case.html", **casepage.context(need, {"assign": form})
                )
                return page, status
            flash(_("The case now belongs to %(name)s.", name=form.assignee.data), "ok")
            return redirect(url_for("pages.leader.case", need_id=need_id))
    page = render_template("pages/case.html", **casepage.context(need, {"assign": form}))
    return page, 422


# --- partners --------------------------------------------------------------------------------


def register_partner_form(*, submitted: bool = False) -> Any:
    community = own_community()
    form = f.RegisterPartnerForm(prefix="partner", **({} if submitted else {"formdata": None}))
    form.kind.choices = [(k, str(PARTNER_KINDS[k])) for k in (kind.value for kind in PartnerKind)]
    form.categories.choices = [
        (c.code, labels.category_name(c, _language())) for c in community.categories
    ]
    form.blocks.choices = [(ALL_BLOCKS, str(_l("All blocks")))] + [
        (b.code, f"{b.name} {b.code}") for b in community.blocks
    ]
    return form


def _language() -> str:
    from web.presentation.words import language

    return language()


def partners_page(sent: dict[str, Any] | None = None, status: int = 200) -> Any:
    records = services().partners.list_partners(g.user.community)
    page_forms: dict[str, Any] = {"register": register_partner_form()}
    for record in records:
        name = f"{'suspend' if record.active else 'reactivate'}-{record.partner_id}"
        form_class = f.SuspendPartnerForm if record.active else f.ReactivatePartnerForm
        page_forms[name] = form_class(prefix=name, formdata=None)
    page_forms.update(sent or {})
    html = render_template(
        "pages/partners.html", partners=records, forms=page_forms, kinds=PARTNER_KINDS
    )
    return html, status


@bp.route("/partners")
@roles("secretary")
def partners() -> Any:
    """The partner directory: who takes what, and whether they take referrals now."""
    return partners_page()


@bp.route("/partners", methods=["POST"])
@roles("secretary")
def register_partner() -> Any:
    """Add a co-building partner to the directory."""
    form = register_partner_form(submitted=True)
    if form.validate_on_submit():
        blocks = [ALL_BLOCKS] if ALL_BLOCKS in form.blocks.data else form.blocks.data
        services().partners.register_partner(
            community=g.user.community,
            name=form.name.data.strip(),
            kind=form.kind.data,
            categories=form.categories.data,
            blocks=blocks,
            weekly_capacity=form.weekly_capacity.data,
            contact=form.contact.data or "",
            actor=g.user.username,
        )
        flash(_("%(name)s registered.", name=form.name.data.strip()), "ok")
        return redirect(url_for(".partners"))
    return partners_page({"register": form}, 422)


def _own_partner(partner_id: UUID) -> Any:
    from partners.exceptions import PartnerNotFoundError

    record = services().partners.get_partner(partner_id)
    if record.community != g.user.community:
        raise PartnerNotFoundError(partner_id)
    return record


@bp.route("/partners/<uuid:partner_id>/suspend", methods=["POST"])
@roles("secretary")
def suspend_partner(partner_id: UUID) -> Any:
    """Stop new referrals to a partner."""
    record = _own_partner(partner_id)
    name = f"suspend-{partner_id}"
    form = f.SuspendPartnerForm(prefix=name)
    if not form.validate_on_submit():
        return partners_page({name: form}, 422)
    services().partners.suspend_partner(
        partner_id, reason=form.reason.data or "", actor=g.user.username
    )
    flash(_("%(name)s is suspended and takes no new referrals.", name=record.name), "ok")
    return redirect(url_for(".partners"))


@bp.route("/partners/<uuid:partner_id>/reactivate", methods=["POST"])
@roles("secretary")
def reactivate_partner(partner_id: UUID) -> Any:
    """Let a suspended partner take referrals again."""
    record = _own_partner(partner_id)
    services().partners.reactivate_partner(partner_id, actor=g.user.username)
    flash(_("%(name)s takes referrals again.", name=record.name), "ok")
    return redirect(url_for(".partners"))
