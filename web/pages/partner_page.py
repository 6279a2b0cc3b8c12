"""A partner's page, for the secretary and for the partner's own staff: its entry (mode,
contact, what it serves), its offerings, its coverage on a drawn plan of the blocks, how it
answered over 12 weeks, its open referrals and its history; with the forms that keep the entry
current. The secretary edits everything; the partner's staff keep this week's capacity, pauses
and contact current (from the inbox too); another partner's page does not exist for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from partners.domain import PartnerKind
from partners.views import PartnerRecord
from web.bootstrap import services
from web.pages import casepage
from web.pages import directory_forms as f
from web.pages.access import roles
from web.pages.forms import Form
from web.pages.partner_charts import block_plan, responsiveness
from web.pages.secretary import ALL_BLOCKS, PARTNER_KINDS, own_community
from web.presentation import labels
from web.presentation.words import language

bp = Blueprint("partner_page", __name__)
OPEN = ("sent", "accepted")
SECRETARY_ONLY = ("details", "services", "capacity")
FORMS: dict[str, type[Form]] = {
    "details": f.DetailsForm,
    "services": f.ServicesForm,
    "capacity": f.CapacityForm,
    "this_week": f.ThisWeekForm,
    "pause": f.PauseForm,
    "resume": f.ResumeForm,
    "contact": f.ContactForm,
}


def partner_in_scope(partner_id: UUID) -> PartnerRecord:
    """The partner, if the caller may see its page: the secretary, the auditor, its own staff."""
    record = services().partners.get_partner(partner_id)
    user = g.user
    mine = user.role == "partner" and user.partner_id == partner_id
    if record.community != user.community or not (mine or user.role in ("secretary", "auditor")):
        abort(404)
    return record


def make_form(name: str, record: PartnerRecord, *, submitted: bool = False) -> Any:
    """One of the page's forms, filled from the partner's entry unless it is the one sent."""
    form = FORMS[name](prefix=name, **({} if submitted else {"formdata": None}))
    if name == "details":
        form.kind.choices = [(k.value, str(PARTNER_KINDS[k.value])) for k in PartnerKind]
        form.mode.choices = [(code, str(label)) for code, label in f.MODES]
    if name == "services":
        community = own_community()
        form.categories.choices = [
            (c.code, labels.category_name(c, language())) for c in community.categories
        ]
        form.blocks.choices = [(ALL_BLOCKS, _("All blocks"))] + [
            (b.code, f"{b.name} {b.code}") for b in community.blocks
        ]
    if not submitted:
        fill(name, form, record)
    return form


def fill(name: str, form: Any, record: PartnerRecord) -> None:
    """Show the entry as it stands in the form."""
    person: dict[str, Any] = dict(record.people[0]) if record.people else {}
    every: dict[str, dict[str, Any]] = {
        "details": {"name": record.name, "kind": record.kind, "mode": record.mode},
        "services": {"categories": list(record.categories), "blocks": list(record.blocks)},
        "capacity": {"weekly_capacity": record.weekly_capacity},
        "this_week": {"this_week": record.capacity_for(services().casework.today())},
        "contact": {
            "contact": record.contact,
            "phone": record.phone,
            "email": record.email,
            "address": record.address,
            "person": person.get("name", ""),
            "person_role": person.get("role", ""),
            "person_phone": person.get("phone", ""),
            "published": person.get("published", False),
        },
    }
    for key, value in every.get(name, {}).items():
        form[key].data = value


def page_forms(record: PartnerRecord, sent: dict[str, Any] | None = None) -> dict[str, Any]:
    """The forms the caller may use on this partner's entry."""
    names = list(FORMS) if g.user.role == "secretary" else []
    if g.user.role == "partner":
        names = ["this_week", "pause", "resume", "contact"]
    forms = {name: make_form(name, record) for name in names}
    forms.update(sent or {})
    return forms


def context(record: PartnerRecord, sent: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the partner's page shows."""
    running = services()
    community = own_community()
    rows, _total = running.view.list_referrals(record.partner_id, limit=10_000)
    now = running.clock.now()
    today = running.casework.today()
    return {
        "partner": record,
        "kinds": PARTNER_KINDS,
        "today": today,
        "paused": record.paused_on(today),
        "this_week": record.capacity_for(today),
        "offerings": running.partners.offerings.list_offerings(
            record.community, partner_id=record.partner_id
        ),
        "plan": block_plan([(b.code, b.name) for b in community.blocks], record.blocks),
        "chart": responsiveness(rows, now),
        "open_referrals": [r for r in rows if r["status"] in OPEN],
        "history": history(record),
        "forms": page_forms(record, sent),
        "reasons": labels.DECLINE_REASONS,
        "outcomes": labels.REFERRAL_OUTCOMES,
    }


def history(record: PartnerRecord, shown: int = 20) -> list[dict[str, Any]]:
    """The partner's changes and its offerings', newest first (an offering's named by title)."""
    running = services()
    events = running.partners.get_history(record.partner_id)
    book = running.partners.offerings
    for offering in book.list_offerings(record.community, partner_id=record.partner_id,
                                        include_withdrawn=True):  # fmt: skip
        events += [
            {**e, "offering": offering.title} for e in book.get_history(offering.offering_id)
        ]
    return sorted(events, key=lambda e: e["recorded_at"], reverse=True)[:shown]


@bp.route("/partners/<uuid:partner_id>")
@roles("secretary", "auditor", "partner")
def partner(partner_id: UUID) -> str:
    """A partner's page."""
    return render_template("pages/partner.html", **context(partner_in_scope(partner_id)))


def _commands(record: PartnerRecord) -> dict[str, Callable[[Any], None]]:
    """What each form does, by name, given the sent form."""
    partners, pid, actor = services().partners, record.partner_id, g.user.username
    today = services().casework.today()

    def contact(form: Any) -> None:
        people = []
        if form.person.data:
            people.append(
                {"name": form.person.data, "role": form.person_role.data or "",
                 "phone": form.person_phone.data or "", "published": bool(form.published.data)}
            )  # fmt: skip
        partners.change_contact(
            pid, contact=form.contact.data or "", phone=form.phone.data or "",
            email=form.email.data or "", address=form.address.data or "", people=people,
            reason=form.reason.data or "", actor=actor,
        )  # fmt: skip

    return {
        "details": lambda form: partners.change_details(
            pid,
            name=form.name.data,
            kind=form.kind.data,
            mode=form.mode.data,
            reason=form.reason.data or "",
            actor=actor,
        ),
        "services": lambda form: partners.change_services(
            pid,
            categories=form.categories.data,
            blocks=[ALL_BLOCKS] if ALL_BLOCKS in form.blocks.data else form.blocks.data,
            reason=form.reason.data or "",
            actor=actor,
        ),
        "capacity": lambda form: partners.change_capacity(
            pid,
            weekly_capacity=form.weekly_capacity.data,
            reason=form.reason.data or "",
            actor=actor,
        ),
        "this_week": lambda form: partners.set_week_capacity(
            pid,
            week=today - timedelta(days=today.weekday()),
            weekly_capacity=form.this_week.data,
            reason=form.reason.data or "",
            actor=actor,
        ),
        "pause": lambda form: partners.pause(
            pid,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            reason=form.reason.data,
            actor=actor,
        ),
        "resume": lambda form: partners.end_pause(pid, actor=actor),
        "contact": contact,
    }


DONE = {
    "details": lambda: _("The partner's details are changed."),
    "services": lambda: _("What the partner serves is changed; matching uses it at once."),
    "capacity": lambda: _("The weekly capacity is changed."),
    "this_week": lambda: _("This week's capacity is set."),
    "pause": lambda: _("New referrals are paused; they come again by themselves after the pause."),
    "resume": lambda: _("New referrals come again."),
    "contact": lambda: _("The contact details are changed."),
}


@bp.route("/partners/<uuid:partner_id>/edit/<name>", methods=["POST"])
@roles("secretary", "partner")
def edit(partner_id: UUID, name: str) -> Any:
    """Send one of the partner page's forms; back to the page (or the inbox), or the form."""
    record = partner_in_scope(partner_id)
    if name not in FORMS:
        abort(404)
    if g.user.role == "partner" and name in SECRETARY_ONLY:
        abort(403)
    form = make_form(name, record, submitted=True)
    status = 422
    if form.validate_on_submit():
        try:
            _commands(record)[name](form)
        except casepage.REFUSALS as error:
            status = casepage.refuse(form, error)
        else:
            flash(DONE[name](), "ok")
            back = request.args.get("back") == "inbox" and g.user.role == "partner"
            return redirect(
                url_for("pages.clerk.inbox") if back else url_for(".partner", partner_id=partner_id)
            )
    return render_template("pages/partner.html", **context(record, {name: form})), status
