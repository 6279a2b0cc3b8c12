"""How the service words things for people, in their language: times in the community's zone,
how long ago, a household's address — shared by the pages, the printable record of a case and its
PDF."""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from babel import Locale
from flask import current_app, g, request
from flask_babel import format_datetime, format_timedelta
from flask_babel import gettext as _

from web.bootstrap import services

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = ("zh_CN", "en")
# The messages are written in English: it is shown right with no catalogue at all.
SOURCE_LANGUAGE = "en"
# Each language as the switch offers it: its HTML lang tag and its name in itself.
LANGUAGE_NAMES = {"zh_CN": ("zh-CN", "中文"), "en": ("en", "English")}
LANGUAGE_COOKIE = "lang"
# The app's extension holding what `catalogued_languages` found when the app was built.
SHOWN_LANGUAGES = "needs.languages"


def language() -> str:
    """The language the pages are shown in: the user's choice (a cookie), else Chinese — when
    the service can show it; else English, the messages' own, rather than English words on a
    page that says it is Chinese."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    wanted = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    return wanted if wanted in shown_languages() else SOURCE_LANGUAGE


def shown_languages() -> tuple[str, ...]:
    """The languages this app can show its pages in."""
    found: tuple[str, ...] = current_app.extensions.get(SHOWN_LANGUAGES, (SOURCE_LANGUAGE,))
    return found


def other_languages() -> list[tuple[str, str, str]]:
    """What the language switch offers: every language it can show but the one shown, as
    (code, HTML lang tag, name)."""
    shown = language()
    return [(code, *LANGUAGE_NAMES[code]) for code in shown_languages() if code != shown]


def catalogued_languages(directories: Iterable[str], domain: str = "messages") -> tuple[str, ...]:
    """English, and each other language with a compiled catalogue (.mo) where Flask-Babel
    looks, found as it finds them. The build compiles them (setup.py); a service run from a
    tree nobody compiled has none."""
    folders = list(directories)
    return tuple(
        code
        for code in LANGUAGES
        if code == SOURCE_LANGUAGE
        or any(gettext.find(domain, folder, [str(Locale.parse(code))]) for folder in folders)
    )


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
