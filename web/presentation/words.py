"""How the service words things for people, in their language: times in the community's zone,
how long ago, a household's address — shared by the pages, the printable record of a case and its
PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, request
from flask_babel import format_datetime, format_timedelta
from flask_babel import gettext as _

from web.bootstrap import services

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
LANGUAGE_COOKIE = "lang"


def language() -> str:
    """The user's language: their choice (a cookie), else Chinese."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


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
    return str(
        format_timedelta(moment - services().clock.now(), granularity="minute", add_direction=True)
    )


def address(household: dict[str, Any]) -> str:
    """15号楼 2单元 502室 / Building 15, unit 2, room 502 — the parts that are known."""
    building, unit, room, comma = _address_words()
    parts = [building % {"number": household["building"]}]
    if household.get("unit"):
        parts.append(unit % {"unit": household["unit"]})
    if household.get("room"):
        parts.append(room % {"room": household["room"]})
    return comma.join(parts)


def _address_words() -> tuple[str, str, str, str]:
    # Translated once a request: a list page writes a hundred addresses.
    if "address_words" not in g:
        g.address_words = (
            _("Building %(number)s"),
            _("unit %(unit)s"),
            _("room %(room)s"),
            _(", "),
        )
    words: tuple[str, str, str, str] = g.address_words
    return words
