"""A household on the phone: find or register it, see its members, life events and duties,
and record a life event, a member's watched group or one of the five must-records."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from duties.exceptions import DutiesError
from duties.values import local_day
from kernel.errors import DomainError, InvalidInputError
from store.errors import HouseholdErasedError
from web.access import (
    LEADERS,
    READERS,
    check_block_allowed,
    household_in_scope,
    needs_in_scope,
    record_in_scope,
)
from web.bootstrap import services
from web.operations.erasure import erase_household
from web.operations.household_story import household_need_rows, story
from web.operations.proactive import turn_record_into_need
from web.pages.access import roles
from web.pages.duties import KINDS, REASONS
from web.pages.household_forms import (
    RECORD_KINDS_SHOWN,
    RegisterHouseholdForm,
    ToNeedForm,
    erase_form,
    group_form,
    life_event_form,
    record_form,
)
from web.pages.households import block_choices
from web.pages.problems import explain
from web.presentation import labels

bp = Blueprint("household_page", __name__)


def register_form(**options: Any) -> RegisterHouseholdForm:
    form = RegisterHouseholdForm(**options)
    form.block.choices = block_choices(g.user, services().needs.community(g.user.community))
    if len(form.block.choices) == 1 and not form.block.data:
        form.block.data = form.block.choices[0][0]
    return form


@bp.route("/households", methods=["GET", "POST"])
@roles(*READERS)
def households() -> Any:
    """The households of my blocks, and a form to find or register one by its address."""
    form = register_form()
    if g.user.role in LEADERS and form.validate_on_submit():
        check_block_allowed(form.block.data)
        try:
            household_id = services().duties.register_household(
                community=g.user.community,
                block=form.block.data,
                building=form.building.data or "",
                unit=form.unit.data,
                room=form.room.data,
                actor=g.user.username,
            )
        except (DutiesError, InvalidInputError) as error:
            cast(list[str], form.building.errors).append(error.message)  # a list once validated
        else:
            return redirect(url_for("pages.household_page.household", household_id=household_id))
    blocks = list(g.user.blocks) if g.user.role == "block_leader" else None
    ids, total = services().duties_view.list_households(g.user.community, blocks, 200, 0)
    status = 422 if form.errors else 200
    homes = [household_in_scope(i) for i in ids]
    return render_template(
        "pages/households.html", form=form, homes=homes, total=total, reasons=REASONS
    ), status


@bp.route("/households/<uuid:household_id>")
@roles(*READERS)
def household(household_id: UUID, **forms: Any) -> Any:
    """The household's whole story: its address, every need (open and closed), members and
    groups, life events, duties and records, newest first."""
    home = household_in_scope(household_id)
    running = services()
    needs = needs_in_scope(household_need_rows(running, home["community"], household_id))
    records = [record_in_scope(r) for r in running.duties_view.household_records(home["id"])]
    return render_template(
        "pages/household.html",
        home=home,
        needs=needs,
        story=story(home, needs, records),
        life=forms.get("life") or life_event_form(),
        group=forms.get("group") or group_form(),
        record=forms.get("record") or record_form(),
        erase=forms.get("erase") or erase_form(),
        records=records,
        to_need=to_need_form(),
        reasons=REASONS,
        kinds=KINDS,
        record_kinds=RECORD_KINDS_SHOWN,
    ), (422 if any(f.errors for f in forms.values()) else 200)


@bp.route("/households/<uuid:household_id>/life-events", methods=["POST"])
@roles(*LEADERS)
def life_event(household_id: UUID) -> Any:
    """Record a life event: the visit it calls for falls due."""
    form = life_event_form()
    return _command(
        household_id,
        form,
        lambda: services().duties.record_life_event(
            household_id, form.type.data, form.note.data or "", actor=g.user.username
        ),
        life=form,
    )


@bp.route("/households/<uuid:household_id>/groups", methods=["POST"])
@roles(*LEADERS)
def group(household_id: UUID) -> Any:
    """Put a member in a watched group from today: asks fall due on its cadence."""
    form = group_form()
    return _command(
        household_id,
        form,
        lambda: services().duties.place_in_group(
            household_id,
            form.member.data or "",
            form.group.data,
            local_day(services().clock.now()),
            actor=g.user.username,
        ),
        group=form,
    )


@bp.route("/households/<uuid:household_id>/records", methods=["POST"])
@roles(*LEADERS)
def record(household_id: UUID) -> Any:
    """Make one of the five must-records about the household."""
    form = record_form()
    home = household_in_scope(household_id)
    return _command(
        household_id,
        form,
        lambda: services().duties.make_record(
            community=g.user.community,
            kind=form.kind.data,
            block=home["block"],
            household_id=household_id,
            text=form.text.data or "",
            actor=g.user.username,
        ),
        record=form,
    )


@bp.route("/households/<uuid:household_id>/erasure", methods=["POST"])
@roles("secretary")
def erasure(household_id: UUID) -> Any:
    """Erase the household's personal data for good, once the secretary has confirmed it."""
    household_in_scope(household_id)
    form = erase_form()
    if not form.validate_on_submit():
        return household(household_id, erase=form)
    erase_household(services(), household_id, g.user.username)
    flash(_("The household's personal data was erased."), "success")
    return redirect(url_for("pages.household_page.household", household_id=household_id))


def to_need_form() -> ToNeedForm:
    form = ToNeedForm(prefix="need")
    community = services().needs.community(g.user.community)
    form.category.choices = [(c.code, c.name_zh) for c in community.categories]
    form.urgency.choices = [(k, str(v)) for k, v in labels.URGENCIES.items()]
    return form


@bp.route("/records/<uuid:record_id>/to-need", methods=["POST"])
@roles(*LEADERS)
def to_need(record_id: UUID) -> Response:
    """Make a concern or a suggestion a need on the menu, and open the need."""
    record = record_in_scope(record_id)
    form = to_need_form()
    if not form.validate_on_submit():
        flash(_("Choose a category and an urgency."), "error")
    else:
        try:
            need_id = turn_record_into_need(
                services(),
                record_id,
                category=form.category.data,
                urgency=form.urgency.data,
                actor=g.user.username,
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("pages.leader.case", need_id=need_id))
    return redirect(url_for("pages.household_page.household", household_id=record["household_id"]))


def _command(household_id: UUID, form: Any, run: Any, **forms: Any) -> Any:
    """Run a command from a valid form and go back to the household; else show the form again
    with what was written and why it was refused."""
    household_in_scope(household_id)
    if form.validate_on_submit():
        try:
            run()
        except DutiesError as error:
            form.form_errors.append(error.message)
        except HouseholdErasedError as error:
            form.form_errors.append(explain(error)[1])
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("pages.household_page.household", household_id=household_id))
    return household(household_id, **forms)
