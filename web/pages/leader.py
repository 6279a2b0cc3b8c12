"""The block leader's pages: my block, log a need, and the case page with its commands.
The secretary may use them across all blocks; an auditor reads the lists and cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast
from uuid import UUID, uuid4, uuid5

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kernel.errors import BuildingNotInBlockError
from needs.exceptions import PossibleDuplicateError
from web.access import (
    LEADERS,
    READERS,
    check_block_allowed,
    need_in_scope,
    needs_in_scope,
    referral_in_scope,
)
from web.bootstrap import services
from web.operations.casework import CONFIRM, NEED_IDS, REFUSE
from web.pages import casepage
from web.pages.access import roles
from web.pages.households import block_choices, buildings_in, recent_households
from web.pages.matching import ranked_partners
from web.pages.office_forms import ReassignForm
from web.pages.reminders import reminders_of_user
from web.presentation import labels

bp = Blueprint("leader", __name__)
OPEN = ["open", "in_progress"]


@bp.route("/needs")
@roles(*READERS)
def needs() -> str:
    """Open needs in my block(s), most urgent then oldest first; overdue ones marked."""
    user = g.user
    blocks = list(user.blocks) if user.role == "block_leader" else None
    community = services().needs.community(user.community)
    block = request.args.get("block") or None
    if block not in {b.code for b in community.blocks}:
        block = None
    category = request.args.get("category") or None
    if category not in {c.code for c in community.categories}:
        category = None
    if block is not None:  # the board's cell: one block, and only one of the user's own
        blocks = [block] if blocks is None or block in blocks else []
    rows, total = (
        services().view.list_needs(
            user.community, blocks=blocks, statuses=OPEN, category=category, limit=200
        )
        if blocks != []
        else ([], 0)
    )
    items = needs_in_scope(rows)
    waiting = len(reminders_of_user()) if user.role in LEADERS else 0
    return render_template(
        "pages/needs.html",
        needs=items,
        total=total,
        reminders_count=waiting,
        only={"block": block, "category": category} if block or category else None,
        reassign=reassign_form() if user.role == "secretary" else None,
    )


def reassign_form() -> Any:
    """The secretary's bulk reassignment of the needs ticked on the list."""
    form = ReassignForm(prefix="reassign", formdata=None)
    users = services().accounts.list_users(g.user.community)
    form.leader.choices = [
        (u.username, u.username) for u in users if u.active and u.role == "block_leader"
    ]
    return form


@bp.route("/needs/new", methods=["GET", "POST"])
@roles(*LEADERS)
def new_need() -> Any:
    """Log a need: category, household, urgency, what happened, and the resident's consent."""
    form = log_need_form()
    if form.validate_on_submit():
        need_id, status = log_need(form)
        if need_id is not None:
            flash(_("Need logged."), "ok")
            return redirect(url_for(".case", need_id=need_id))
    else:
        status = 422 if request.method == "POST" else 200
    categories = services().needs.community(g.user.community).categories
    return render_template("pages/new_need.html", form=form, categories=categories), status


def log_need_form(**options: Any) -> Any:
    from web.pages.forms import LogNeedForm

    community = services().needs.community(g.user.community)
    form = LogNeedForm(**options)
    form.category.choices = [(c.code, c.name_zh) for c in community.categories]
    form.block.choices = block_choices(g.user, community)
    if len(form.block.choices) == 1:
        form.block.data = form.block.choices[0][0]
    form.household_id.choices = [(h["id"], h["label"]) for h in recent_households(g.user)]
    form.urgency.choices = [(k, str(v)) for k, v in labels.URGENCIES.items()]
    form.key.data = form.key.data or uuid4().hex
    return form


def log_need(
    form: Any, occurred_at: datetime | None = None, *, duplicates: str | None = None
) -> tuple[UUID | None, int]:
    """The new need's id, or None with the refusal shown on the form; the status to answer.
    `occurred_at`: when it was captured, for a need sent later from a phone's queue;
    `duplicates`: what to do when the household has an open need in the category (by
    default, warn unless the leader has ticked "log it anyway")."""
    check_block_allowed(form.block.data)
    if duplicates is None:
        duplicates = CONFIRM if form.duplicate_ok.data else REFUSE
    address = (form.building.data or "").strip()
    where = (
        {"building": address, "unit": form.unit.data or "", "room": form.room.data or ""}
        if address
        else {"household_id": UUID(form.household_id.data)}
    )
    try:
        return services().casework.log_need(
            community=g.user.community,
            category=form.category.data,
            block=form.block.data,
            **where,
            description=form.description.data,
            urgency=form.urgency.data,
            resident_name=form.resident_name.data or "",
            contact_phone=form.contact_phone.data or "",
            consent_to_share=bool(form.consent_to_share.data),
            actor=g.user.username,
            occurred_at=occurred_at,
            need_id=uuid5(NEED_IDS, f"{g.user.username}:{form.key.data}"),
            duplicates=duplicates,
        ), 201
    except PossibleDuplicateError as error:
        form.duplicate_of = need_in_scope(error.existing_need_id)
        return None, 409
    except casepage.REFUSALS as error:
        status = casepage.refuse(form, error)
        if isinstance(error, BuildingNotInBlockError):
            community = services().needs.community(g.user.community)
            form.building.errors.append(buildings_in(community, form.block.data))
        return None, status


@bp.route("/needs/<uuid:need_id>")
@roles(*READERS)
def case(need_id: UUID) -> str:
    """The case: what is known, what happened (oldest first), and what to do next."""
    return render_template("pages/case.html", **casepage.context(need_in_scope(need_id)))


def command(need_id: UUID, name: str, run: Callable[[dict[str, Any], Any], str]) -> Any:
    """Run one of the case's commands from its form; back to the case, or the form again."""
    need = need_in_scope(need_id)
    partners = ranked_partners(need) if name == "refer" else []
    form = casepage.make_form(name, partners, submitted=True)
    status = 422
    if form.validate_on_submit():
        try:
            flash(run(need, form), "ok")
        except casepage.REFUSALS as error:
            status = casepage.refuse(form, error)
        else:
            return redirect(url_for(".case", need_id=need_id))
    page = render_template("pages/case.html", **casepage.context(need, {name: form}))
    return page, status


def _actor() -> dict[str, str]:
    return {"actor": g.user.username}


@bp.route("/needs/<uuid:need_id>/visits", methods=["POST"])
@roles(*LEADERS)
def record_visit(need_id: UUID) -> Any:
    """Record a visit to the household."""

    def run(need: dict[str, Any], form: Any) -> str:
        services().needs.record_visit(need_id, form.notes.data or "", **_actor())
        return cast(str, _("Visit recorded."))

    return command(need_id, "visit", run)


@bp.route("/needs/<uuid:need_id>/notes", methods=["POST"])
@roles(*LEADERS)
def add_note(need_id: UUID) -> Any:
    """Add a note to the case."""

    def run(need: dict[str, Any], form: Any) -> str:
        services().needs.add_note(need_id, form.text.data, **_actor())
        return cast(str, _("Note added."))

    return command(need_id, "note", run)


@bp.route("/needs/<uuid:need_id>/referrals", methods=["POST"])
@roles(*LEADERS)
def refer(need_id: UUID) -> Any:
    """Refer the need to one of the partners ranked for it."""

    def run(need: dict[str, Any], form: Any) -> str:
        partner_id = UUID(form.partner_id.data)
        key = f"{g.user.username}:{form.key.data}"
        services().casework.refer(
            need_id, partner_id, form.note.data or "", referral_id=uuid5(need_id, key), **_actor()
        )
        return cast(
            str,
            _("Referred to %(partner)s.", partner=dict(form.partner_id.choices)[str(partner_id)]),
        )

    return command(need_id, "refer", run)


@bp.route("/needs/<uuid:need_id>/referrals/<uuid:referral_id>/withdraw", methods=["POST"])
@roles(*LEADERS)
def withdraw(need_id: UUID, referral_id: UUID) -> Any:
    """Take a referral back from its partner."""
    if referral_in_scope(referral_id)["need_id"] != need_id:
        abort(404)

    def run(need: dict[str, Any], form: Any) -> str:
        services().casework.act_on_referral(
            referral_id, "withdraw", form.reason.data or "", **_actor()
        )
        return cast(str, _("Referral withdrawn."))

    return command(need_id, f"withdraw-{referral_id}", run)


@bp.route("/needs/<uuid:need_id>/resolve", methods=["POST"])
@roles(*LEADERS)
def resolve(need_id: UUID) -> Any:
    """Close the case with its outcome."""

    def run(need: dict[str, Any], form: Any) -> str:
        services().needs.resolve(need_id, form.outcome.data, form.summary.data or "", **_actor())
        return cast(str, _("Need resolved."))

    return command(need_id, "resolve", run)


@bp.route("/needs/<uuid:need_id>/follow-up", methods=["POST"])
@roles(*LEADERS)
def follow_up(need_id: UUID) -> Any:
    """Record the resident's verdict at the follow-up visit (回访); reopen when not solved."""

    def run(need: dict[str, Any], form: Any) -> str:
        reopen = form.reopen.data and form.verdict.data in ("not_satisfied", "partly")
        reason = _(
            "Follow-up: %(verdict)s",
            verdict=labels.label(labels.FOLLOW_UP_VERDICTS, form.verdict.data),
        )
        services().needs.record_follow_up(
            need_id,
            form.verdict.data,
            form.note.data or "",
            reopen_reason=str(reason) if reopen else None,
            **_actor(),
        )
        if reopen:
            return cast(str, _("Follow-up recorded; the need is open again."))
        if form.verdict.data == "not_satisfied":
            return cast(
                str, _("Follow-up recorded. The resident is not satisfied: reopen the need?")
            )
        return cast(str, _("Follow-up recorded."))

    return command(need_id, "follow_up", run)


@bp.route("/needs/<uuid:need_id>/reopen", methods=["POST"])
@roles(*LEADERS)
def reopen(need_id: UUID) -> Any:
    """Open a resolved case again, saying why."""

    def run(need: dict[str, Any], form: Any) -> str:
        services().needs.reopen(need_id, form.reason.data, **_actor())
        return cast(str, _("Need reopened."))

    return command(need_id, "reopen", run)
