"""A partner's clerk: the inbox of referrals, and accepting, declining or completing one.
The clerk sees the resident's personal data only while the resident consents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from web.access import CLERKS, referral_in_scope, shown_to_partner
from web.bootstrap import services
from web.pages import casepage, forms, partner_page
from web.pages.access import roles
from web.presentation import labels

bp = Blueprint("clerk", __name__)
_FORMS: dict[str, Any] = {
    "accept": (forms.AcceptForm, None),
    "decline": (forms.DeclineForm, ("reason", labels.DECLINE_REASONS)),
    "complete": (forms.CompleteForm, ("outcome", labels.REFERRAL_OUTCOMES)),
}
# Which answers a referral in each state can take.
_NEXT = {"sent": ("accept", "decline"), "accepted": ("complete",)}


@bp.route("/inbox")
@roles(*CLERKS)
def inbox() -> str:
    """The partner's referrals: open ones first, the most urgent and soonest due first."""
    running = services()
    rows, total = running.view.list_referrals(g.user.partner_id, limit=200)
    items = [
        shown_to_partner(running.casework.get_referral(UUID(row["referral_id"]))) for row in rows
    ]
    book = running.partners.offerings
    for item in items:  # which offering a referral named, if it named one
        offering = book.offering_of_referral(g.user.community, UUID(str(item["id"])))
        item["offering_title"] = offering.title if offering else None
    partner = running.partners.get_partner(g.user.partner_id)
    today = running.casework.today()
    return render_template(
        "pages/inbox.html",
        referrals=items,
        total=total,
        partner=partner,
        paused=partner.paused_on(today),
        this_week=partner.capacity_for(today),
        forms=partner_page.page_forms(partner),
        back="inbox",
    )


def make_form(action: str, *, submitted: bool = False) -> Any:
    form_class, choices = _FORMS[action]
    form = form_class(prefix=action, **({} if submitted else {"formdata": None}))
    if choices is not None:
        field, table = choices
        form[field].choices = [(k, str(v)) for k, v in table.items()]
    return form


def page(referral: dict[str, Any], sent: dict[str, Any] | None = None) -> str:
    actions = _NEXT.get(referral["status"], ())
    page_forms = {action: make_form(action) for action in actions}
    page_forms.update(sent or {})
    return render_template("pages/referral.html", referral=referral, forms=page_forms)


@bp.route("/inbox/<uuid:referral_id>")
@roles(*CLERKS)
def referral(referral_id: UUID) -> str:
    """One referral: the case facts the partner may see, and the answers it can give."""
    return page(referral_in_scope(referral_id))


def answer(referral_id: UUID, action: str, run: Callable[[Any], tuple[Any, ...]]) -> Any:
    """Give one of the closed loop's answers from its form; back to the referral, or the form."""
    referral = referral_in_scope(referral_id)
    form = make_form(action, submitted=True)
    status = 422
    if form.validate_on_submit():
        try:
            services().casework.act_on_referral(
                referral_id, action, *run(form), actor=g.user.username
            )
        except casepage.REFUSALS as error:
            status = casepage.refuse(form, error)
            if status == 409:  # the referral moved on: show where it stands now
                flash(" ".join(form.form_errors), "error")
                return redirect(url_for(".referral", referral_id=referral_id))
        else:
            flash(_DONE[action](), "ok")
            return redirect(url_for(".referral", referral_id=referral_id))
    return page(referral, {action: form}), status


_DONE = {
    "accept": lambda: _("Accepted. The block leader can see it."),
    "decline": lambda: _("Declined. The block leader will offer the need to another partner."),
    "complete": lambda: _("Outcome reported. Thank you."),
}


@bp.route("/inbox/<uuid:referral_id>/accept", methods=["POST"])
@roles(*CLERKS)
def accept(referral_id: UUID) -> Any:
    """Take the referral on."""
    return answer(referral_id, "accept", lambda form: (form.note.data or "",))


@bp.route("/inbox/<uuid:referral_id>/decline", methods=["POST"])
@roles(*CLERKS)
def decline(referral_id: UUID) -> Any:
    """Turn the referral down, with a reason."""
    return answer(referral_id, "decline", lambda form: (form.reason.data, form.note.data or ""))


@bp.route("/inbox/<uuid:referral_id>/complete", methods=["POST"])
@roles(*CLERKS)
def complete(referral_id: UUID) -> Any:
    """Report what came of an accepted referral."""
    return answer(referral_id, "complete", lambda form: (form.outcome.data, form.note.data or ""))
