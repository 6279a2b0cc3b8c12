"""How the pages show things: times in the community's zone, ages, codes as words."""

from __future__ import annotations

import functools
from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from web.access import reads_projects
from web.bootstrap import services
from web.presentation import labels
from web.presentation.words import address, ago, day, other_languages, when


def language() -> str:
    return str(get_locale() or "zh_CN")


def viewer() -> Any:
    """The signed-in user's record, or None; an error page still renders if it cannot be read."""
    try:
        return current_user.record if current_user.is_authenticated else None
    except Exception:  # the error page must render even when the store is down
        return None


def category_names() -> dict[str, str]:
    user = viewer()
    if user is None:
        return {}
    community = services().needs.community(user.community)
    return {c.code: labels.category_name(c, language()) for c in community.categories}


def described(field: Any, hint: str | None = None) -> dict[str, str]:
    """The ARIA attributes tying an input to its error (or its hint)."""
    attributes = {"aria-invalid": "true" if field.errors else "false"}
    if field.errors:
        attributes["aria-describedby"] = f"{field.id}-error"
    elif hint:
        attributes["aria-describedby"] = f"{field.id}-hint"
    return attributes


def register(app: Flask) -> None:
    app.add_template_filter(when, "when")
    app.add_template_filter(ago, "ago")
    app.add_template_filter(day, "day")
    filters = {
        "urgency": labels.URGENCIES,
        "status": labels.STATUSES,
        "referral_status": labels.REFERRAL_STATUSES,
        "decline_reason": labels.DECLINE_REASONS,
        "referral_outcome": labels.REFERRAL_OUTCOMES,
        "resolution": labels.RESOLUTIONS,
        "follow_up_verdict": labels.FOLLOW_UP_VERDICTS,
        "role": labels.ROLES,
    }
    for name, table in filters.items():
        app.add_template_filter(functools.partial(labels.label, table), name)

    app.add_template_global(described, "described")
    app.add_template_global(address, "address")
    app.add_template_global(reads_projects, "reads_projects")

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        return {
            "language": language(),
            "other_languages": other_languages(),
            "viewer": viewer(),
            "category_names": category_names,
        }
