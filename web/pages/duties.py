"""The three fives on the phone: the block leader's "today" (duties due and overdue in my
blocks, each discharged in one tap) and the secretary's compliance board."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from duties.exceptions import DutiesConflictError, DutiesError
from duties.values import day_end, local_day
from store.errors import HouseholdErasedError
from web.access import LEADERS, duty_in_scope, noted_duties
from web.access.volunteers import VOLUNTEER, is_volunteer
from web.bootstrap import services
from web.operations.compliance import COMPLIANCE_WEEKS, compliance_board
from web.pages.access import roles
from web.pages.forms import unprintable_refusal
from web.pages.problems import explain

bp = Blueprint("duties", __name__)
REASONS = {
    "moved_in": _l("Moved in"),
    "hospitalised": _l("In hospital"),
    "wedding_or_funeral": _l("Wedding or funeral"),
    "disaster_or_theft": _l("Disaster or theft"),
    "new_tenant": _l("New tenant"),
    "elderly_alone": _l("Elderly, living alone"),
    "unemployed": _l("Unemployed"),
    "seriously_ill": _l("Seriously ill"),
    "united_front": _l("United-front contact"),
    "special_care": _l("Special care"),
}
KINDS = {"visit": _l("Visit"), "ask": _l("Ask after")}


def my_blocks() -> list[str] | None:
    return list(g.user.blocks) if g.user.role == "block_leader" else None


def open_duties(due: str) -> list[dict[str, Any]]:
    """The signed-in user's open duties (`due`: today, overdue or all), most urgent first."""
    running = services()
    now = running.clock.now()
    rows, _total = running.duties_view.list_duties(
        g.user.community, my_blocks(), due, now, day_end(local_day(now))
    )
    return noted_duties([running.duties.get_duty(UUID(row["duty_id"])) for row in rows])


@bp.route("/today")
@roles(*LEADERS)
def today() -> str:
    """Duties due today and overdue in my blocks, the most urgent first; then what is coming."""
    due = open_duties("today")
    shown = {duty["id"] for duty in due}
    coming = [duty for duty in open_duties("all") if duty["id"] not in shown]
    return render_template("pages/today.html", due=due, coming=coming, reasons=REASONS, kinds=KINDS)


@bp.route("/duties/<uuid:duty_id>/discharge", methods=["POST"])
@roles(*LEADERS, VOLUNTEER)
def discharge(duty_id: UUID) -> Response:
    """Discharge a duty in one tap, with optional notes; back to "today" (a volunteer: back
    to what is asked of them)."""
    duty_in_scope(duty_id)
    back = url_for("pages.volunteer_work.my_work_page" if is_volunteer() else "pages.duties.today")
    notes = request.form.get("notes") or ""
    refusal = unprintable_refusal(notes)  # the one form here that is no Form
    if refusal is not None:
        flash(refusal, "error")
        return redirect(back)
    notes = notes.strip()
    try:
        services().duties.discharge_duty(duty_id, notes, actor=g.user.username)
    except DutiesConflictError:
        flash(_("That duty was done already."), "error")
    except DutiesError as error:
        flash(error.message, "error")
    except HouseholdErasedError as error:
        flash(explain(error)[1], "error")  # the duty stays open: discharge it without notes
    else:
        flash(_("Done. Thank you."), "success")
    return redirect(back)


@bp.route("/compliance")
@roles("secretary", "auditor")
def compliance() -> str:
    """Per block over the last four weeks: duties due, done on time, done late, overdue."""
    rows = compliance_board(services(), g.user.community, COMPLIANCE_WEEKS)
    return render_template("pages/compliance.html", rows=rows, weeks=COMPLIANCE_WEEKS)
