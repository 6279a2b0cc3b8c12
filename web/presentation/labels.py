"""The words the pages show for the service's codes, in the user's language."""

from __future__ import annotations

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l

URGENCIES = {
    "critical": _l("Critical"),
    "high": _l("High"),
    "normal": _l("Normal"),
    "low": _l("Low"),
}
STATUSES = {
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "resolved": _l("Resolved"),
}
REFERRAL_STATUSES = {
    "sent": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
    "completed": _l("Completed"),
}
DECLINE_REASONS = {
    "no_capacity": _l("No capacity"),
    "out_of_scope": _l("Not something we do"),
    "not_eligible": _l("Resident not eligible"),
    "other": _l("Another reason"),
}
REFERRAL_OUTCOMES = {
    "helped": _l("Helped"),
    "not_helped": _l("Could not help"),
    "unreachable": _l("Could not reach the resident"),
}
RESOLUTIONS = {
    "helped": _l("Helped"),
    "partly_helped": _l("Partly helped"),
    "not_helped": _l("Could not help"),
    "no_longer_needed": _l("No longer needed"),
    "unreachable": _l("Could not reach the resident"),
}
FOLLOW_UP_VERDICTS = {
    "satisfied": _l("Satisfied: it was solved"),
    "partly": _l("Partly solved"),
    "not_satisfied": _l("Not satisfied: not solved"),
    "unreachable": _l("Could not reach the resident"),
}
ROLES = {
    "secretary": _l("Secretary"),
    "block_leader": _l("Block leader"),
    "partner": _l("Partner"),
    "auditor": _l("Auditor"),
    "project_member": _l("Project team member"),
    "volunteer": _l("Volunteer"),
}


def label(table: dict[str, object], code: str | None) -> str:
    """The word for a code; the code itself when a newer service sends one we do not know."""
    if code is None:
        return ""
    if not has_app_context():
        return str(table.get(code, code))
    # Each word is translated once a request: a list page shows hundreds of them.
    words: dict[tuple[int, str], str] = g.setdefault("label_words", {})
    key = (id(table), code)
    if key not in words:
        words[key] = str(table.get(code, code))
    return words[key]


def category_name(category: object, language: str) -> str:
    """A category as the committee says it (its Chinese name), with the English one in English."""
    name_zh = str(getattr(category, "name_zh", ""))
    if language.startswith("zh"):
        return name_zh
    return f"{name_zh} {getattr(category, 'name_en', '')}".strip()
