"""A case's events as the case page tells them: what happened, who did it, and when."""

from __future__ import annotations

from typing import Any, cast

from flask_babel import gettext as _

from web.presentation import labels
from web.presentation.words import when

# The field in which each kind of event carries what someone wrote (codes are shown apart).
_WRITTEN = {
    "NeedLogged": "description",
    "VisitRecorded": "notes",
    "NoteAdded": "text",
    "UrgencyChanged": "reason",
    "Resolved": "summary",
    "Reopened": "reason",
    "FollowedUp": "note",
    "Referred": "note",
    "ReferralAccepted": "note",
    "ReferralDeclined": "note",
    "ReferralWithdrawn": "reason",
    "ReferralCompleted": "note",
}


def timeline(need: dict[str, Any], history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each event, oldest first: {version, what, detail, actor, occurred_at, recorded_at}."""
    partners = {str(r["id"]): r["partner_name"] for r in need["referrals"]}
    return [
        {
            "version": event["version"],
            "what": _erased(event) or _what(event["type"], event["data"], partners),
            "detail": _detail(event["type"], event["data"]),
            "actor": event["actor"],
            "occurred_at": event["occurred_at"],
            "recorded_at": event["recorded_at"],
        }
        for event in history
    ]


def _what(kind: str, data: dict[str, Any], partners: dict[str, str]) -> str:
    partner = partners.get(str(data.get("referral_id")), "") or data.get("partner_name", "")
    words = {
        "NeedLogged": lambda: _("Logged"),
        "Assigned": lambda: _("Assigned to %(name)s", name=data.get("assignee", "")),
        "VisitRecorded": lambda: _("Visited"),
        "NoteAdded": lambda: _("Note"),
        "UrgencyChanged": lambda: _(
            "Urgency changed to %(urgency)s",
            urgency=labels.label(labels.URGENCIES, data.get("urgency")),
        ),
        "ConsentGiven": lambda: _("The resident agreed to share with partners"),
        "ConsentWithdrawn": lambda: _("The resident withdrew consent to share"),
        "Resolved": lambda: _(
            "Resolved: %(outcome)s",
            outcome=labels.label(labels.RESOLUTIONS, data.get("outcome")),
        ),
        "Reopened": lambda: _("Reopened"),
        "Referred": lambda: _("Referred to %(partner)s", partner=partner),
        "ReferralAccepted": lambda: _("%(partner)s accepted", partner=partner),
        "ReferralDeclined": lambda: _(
            "%(partner)s declined: %(reason)s",
            partner=partner,
            reason=labels.label(labels.DECLINE_REASONS, data.get("reason")),
        ),
        "ReferralExpired": lambda: _("%(partner)s did not answer in time", partner=partner),
        "ReferralWithdrawn": lambda: _("Referral to %(partner)s withdrawn", partner=partner),
        "ReferralCompleted": lambda: _(
            "%(partner)s reported: %(outcome)s",
            partner=partner,
            outcome=labels.label(labels.REFERRAL_OUTCOMES, data.get("outcome")),
        ),
        "Escalated": lambda: _("Escalated to the secretary"),
        "VolunteerAssigned": lambda: _("A volunteer of the block's group was asked to help"),
        "FollowedUp": lambda: _(
            "Followed up: %(verdict)s",
            verdict=labels.label(labels.FOLLOW_UP_VERDICTS, data.get("verdict")),
        ),
        "DuplicateNoted": lambda: (
            _("Logged knowing of another open need of this kind")
            if data.get("confirmed")
            else _("Flagged: possibly a duplicate of another open need")
        ),
        "ReferralDeliveryFailed": lambda: _(
            "%(partner)s could not be notified of the referral", partner=partner
        ),
    }
    say = words.get(kind)
    return say() if say is not None else kind


def _erased(event: dict[str, Any]) -> str:
    if event["type"] != "PersonalDataErased":
        return ""
    return cast(
        str,
        _(
            "Personal data erased by %(name)s at %(time)s",
            name=event["actor"],
            time=when(event["recorded_at"]),
        ),
    )


def _detail(kind: str, data: dict[str, Any]) -> str:
    """The words someone wrote with the event (a note, a visit's findings, a reason)."""
    value = data.get(_WRITTEN.get(kind, ""))
    return value if isinstance(value, str) else ""
