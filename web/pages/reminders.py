"""A block leader's reminders: what needs them now — cases overdue for first contact,
referrals that expired or were declined, escalations, partners who could not be notified."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template
from flask_babel import lazy_gettext as _l

from web.access import LEADERS
from web.bootstrap import services
from web.operations.follow_ups import follow_ups_due
from web.pages.access import roles

bp = Blueprint("reminders", __name__)
KINDS = {
    "overdue": _l("Nobody has visited or referred this need in time"),
    "escalated": _l("Escalated: no partner is left to take it"),
    "referral_expired": _l("%(partner)s did not answer in time"),
    "referral_declined": _l("%(partner)s declined"),
    "delivery_failed": _l("%(partner)s could not be notified of the referral"),
}


def reminders_of_user() -> list[dict[str, Any]]:
    """The signed-in leader's reminders (the secretary's: every block's)."""
    from web.operations.reminders import reminders_for

    running = services()
    blocks = list(g.user.blocks) if g.user.role == "block_leader" else None
    return reminders_for(running, g.user.community, blocks, running.clock.now())


def say(item: dict[str, Any]) -> str:
    """What a reminder is about, in the user's words."""
    return str(KINDS.get(item["kind"], item["kind"])) % {"partner": item.get("partner_name") or ""}


@bp.route("/reminders")
@roles(*LEADERS)
def reminders() -> str:
    """What needs me, most urgent then oldest first."""
    items = [{**item, "what": say(item)} for item in reminders_of_user()]
    running = services()
    blocks = list(g.user.blocks) if g.user.role == "block_leader" else None
    due = follow_ups_due(running, g.user.community, blocks, running.clock.now())
    return render_template("pages/reminders.html", reminders=items, follow_ups=due)
