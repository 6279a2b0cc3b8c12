"""How the pages show things: times in the community's zone, ages, codes as words."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import format_datetime, format_timedelta, get_locale
from flask_login import current_user

from web.pages import labels
from web.pages.households import address

TIME_FORMAT = "yyyy-MM-dd HH:mm"


def when(moment: datetime | None) -> str:
    """A moment in Asia/Shanghai, e.g. 2026-11-30 09:15."""
    return format_datetime(moment, TIME_FORMAT) if moment else ""


def day(moment: datetime | None) -> str:
    """A day in Asia/Shanghai as month and day, e.g. 11-30."""
    return format_datetime(moment, "MM-dd") if moment else ""


def ago(moment: datetime | None) -> str:
    """How long ago, in words ("3 days ago", "3天前")."""
    if moment is None:
        return ""
    from web import services

    return str(
        format_timedelta(moment - services().clock.now(), granularity="minute", add_direction=True)
    )


def language() -> str:
    return str(get_locale() or "zh_CN")


def viewer() -> Any:
    """The signed-in user's record, or None; an error page still renders if it cannot be read."""
    try:
        return current_user.record if current_user.is_authenticated else None
    except Exception:  # the error page must render even when the store is down
        return None


def category_names() -> dict[str, str]:
    from web import services

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
        "role": labels.ROLES,
    }
    for name, table in filters.items():
        app.add_template_filter(functools.partial(labels.label, table), name)

    app.add_template_global(described, "described")
    app.add_template_global(address, "address")

    @app.context_processor
    def page_globals() -> dict[str, Any]:
        return {
            "language": language(),
            "viewer": viewer(),
            "category_names": category_names,
        }
