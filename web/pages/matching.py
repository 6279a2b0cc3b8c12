"""The partners ranked for a need, with the ranking's reasons said in the user's language.
The ranking is the directory's (Casework.matches); only its wording is made here, from the
same figures the policy used."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from kernel.clock import week_start
from web.bootstrap import services


def ranked_partners(need: dict[str, Any]) -> list[dict[str, Any]]:
    """[{partner_id, name, score, reasons: [text]}], best first."""
    running = services()
    matches = running.casework.matches(need["id"])
    history = running.view.partner_history(need["community"], week_start(running.clock.now()))
    sla = running.needs.community(need["community"]).category(need["category"]).sla_hours
    ranked = []
    today = running.casework.today()
    for match in matches:
        partner = running.partners.get_partner(match.partner_id)
        figures = _figures(history.get(match.partner_id, {}), partner.capacity_for(today), sla)
        figures.update(until=partner.paused_until, why=partner.pause_reason)
        ranked.append(
            {
                "partner_id": match.partner_id,
                "name": match.name,
                "score": match.score,
                "reasons": [_reason(r.code, r.text, figures) for r in match.reasons],
            }
        )
    return ranked


def _figures(stats: dict[str, Any], capacity: int, sla: float) -> dict[str, Any]:
    accepted = int(stats.get("accepted", 0))
    answered = accepted + int(stats.get("declined", 0)) + int(stats.get("expired", 0))
    sent = int(stats.get("sent_this_week", 0))
    median = stats.get("median_hours_to_accept")
    return {
        "capacity": capacity,
        "sent": sent,
        "left": max(capacity - sent, 0),
        "accepted": accepted,
        "answered": answered,
        "share": round(100 * accepted / answered) if answered else 0,
        "hours": f"{round(max(median or 0.0, 0.0), 1):g}",
        "deadline": f"{round(sla, 1):g}",
        "open": int(stats.get("open_load", 0)),
    }


def _reason(code: str, text: str, f: dict[str, Any]) -> str:
    """One reason in the user's language; the policy's own words for a code we do not know."""
    words = {
        "capacity_left": lambda: _(
            "Capacity this week: %(left)d of %(capacity)d referrals left", **f
        ),
        "no_capacity_left": lambda: _(
            "No capacity left this week: %(sent)d sent, weekly capacity %(capacity)d", **f
        ),
        "no_history": lambda: _("No past referrals answered yet"),
        "acceptance_rate": lambda: _(
            "Accepted %(accepted)d of %(answered)d past referrals (%(share)d%%)", **f
        ),
        "no_acceptance_time": lambda: _("No time to accept on record yet"),
        "fast_to_accept": lambda: _(
            "Quick: usually accepts within %(hours)s h (deadline %(deadline)s h)", **f
        ),
        "accepts_in_time": lambda: _(
            "Usually accepts within %(hours)s h, inside the %(deadline)s h deadline", **f
        ),
        "slow_to_accept": lambda: _(
            "Slow: usually takes %(hours)s h to accept (deadline %(deadline)s h)", **f
        ),
        "no_open_referrals": lambda: _("Nothing open with them now"),
        "open_load": lambda: _("Open referrals now: %(open)d (weekly capacity %(capacity)d)", **f),
        "busy": lambda: _("Busy: %(open)d open referrals, weekly capacity %(capacity)d", **f),
        "paused": lambda: _("Paused new referrals until %(until)s: %(why)s", **f),
    }
    say = words.get(code)
    return say() if say is not None else text
