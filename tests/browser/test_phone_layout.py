"""Every main page at 360 px wide: no sideways scrolling, tap targets of 44 px, still usable
with the phone's largest font, and no script or style refused by the Content-Security-Policy."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import NARROW, Harness, sign_in
from tests.browser.measure import large_font, open_everything, sideways, small_targets

pytestmark = pytest.mark.browser

LANGUAGES = ("zh_CN", "en")
# Set PAGES_SCREENSHOTS to a folder to keep a screenshot of every page measured.
SCREENSHOTS = os.environ.get("PAGES_SCREENSHOTS")


def _first(page: Any, selector: str) -> None:
    page.locator(selector).first.click()
    page.wait_for_load_state()


# page name -> (who signs in, how to get there)
PAGES: dict[str, tuple[str | None, Callable[[Any], None]]] = {
    "sign-in": (None, lambda page: page.goto("/sign-in")),
    "not-found": (None, lambda page: page.goto("/no-such-page")),
    "my-block": ("leader3", lambda page: page.goto("/needs")),
    "log-a-need": ("leader3", lambda page: page.goto("/needs/new")),
    "log-a-need-refused": (
        "leader3",
        lambda page: (
            page.goto("/needs/new"),
            page.locator("#log-need button.primary").click(),
            page.locator("#log-need .invalid").first.wait_for(),  # the form, sent back refused
        ),
    ),
    "case": ("leader3", lambda page: (page.goto("/needs"), _first(page, ".card-link"))),
    "inbox": ("hospital", lambda page: page.goto("/inbox")),
    "referral": ("hospital", lambda page: (page.goto("/inbox"), _first(page, ".card-link"))),
    "reminders": ("leader3", lambda page: page.goto("/reminders")),
    "today": ("leader3", lambda page: page.goto("/today")),
    "compliance": ("secretary", lambda page: page.goto("/compliance")),
    "households": ("leader3", lambda page: page.goto("/households")),
    "household": ("leader3", lambda page: (page.goto("/today"), _first(page, "#due a.button"))),
    "board": ("secretary", lambda page: page.goto("/board")),
    "partners": ("secretary", lambda page: page.goto("/partners")),
    "partner-page": (
        "secretary",
        lambda page: (page.goto("/partners"), _first(page, ".partner-row strong a")),
    ),
    "our-page": (
        "hospital",
        lambda page: (page.goto("/inbox"), _first(page, "a[href^='/partners/']")),
    ),
    "resource-list": ("leader3", lambda page: page.goto("/offerings")),
    "people": ("secretary", lambda page: page.goto("/people")),
    "channels": ("secretary", lambda page: page.goto("/channels")),
    "block-channels": ("leader3", lambda page: page.goto("/channels/block-B3")),
    "monthly-report": ("secretary", lambda page: page.goto("/reports/menu")),
    "ledgers": ("secretary", lambda page: page.goto("/ledgers")),
    "case-secretary": ("secretary", lambda page: (page.goto("/needs"), _first(page, ".card-link"))),
    "projects": ("leader4", lambda page: page.goto("/projects")),
    "project": ("leader4", lambda page: (page.goto("/projects"), _first(page, ".card-link"))),
    "project-door": (
        "treasurer22",
        lambda page: (
            page.goto("/projects"),
            _first(page, ".card-link"),
            _first(page, "a.primary"),
        ),
    ),
    "stamp-table": (
        "leader4",
        lambda page: (
            page.goto("/projects"),
            _first(page, ".card-link"),
            _first(page, "a[href$='/stamp-table']"),
        ),
    ),
    "project-template": (
        "leader4",
        lambda page: (
            page.goto("/projects"),
            _first(page, ".card-link"),
            _first(page, "a[href*='/project-templates/']"),
        ),
    ),
    "needs-secretary": ("secretary", lambda page: page.goto("/needs")),
    "volunteers": ("leader3", lambda page: page.goto("/volunteer-groups")),
    "my-work": ("vol3", lambda page: page.goto("/my-work")),  # a volunteer's own page
    "history": (
        "auditor",
        lambda page: (
            page.goto("/needs"),
            _first(page, ".card-link"),
            _first(page, "a[href$='/history']"),
            _first(page, ".timeline.audit a.button"),
        ),
    ),
}


def _status(message: str) -> bool:
    """Chromium's note that a page came with an error status: expected on error pages."""
    return message.startswith("Failed to load resource: the server responded with a status of")


def _broken(response: Any) -> bool:
    """A style sheet, script or icon the page needs that did not load (a script's own requests
    are answers it reads, e.g. the refusal of a need sent from the form in the background)."""
    return bool(
        response.status >= 400 and response.request.resource_type not in ("document", "fetch")
    )


@pytest.fixture
def phone(live: Harness) -> Iterator[Callable[..., Any]]:
    """Open a named page on a 360 px phone in a language; console errors are collected."""
    contexts: list[Any] = []

    def open_page(name: str, language: str) -> Any:
        context = live.phone(viewport=NARROW)
        contexts.append(context)
        context.add_cookies([{"name": "lang", "value": language, "url": live.url}])
        page = context.new_page()
        page.errors = []
        page.on(
            "console",
            lambda m: m.type == "error" and not _status(m.text) and page.errors.append(m.text),
        )
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("response", lambda r: _broken(r) and page.errors.append(f"{r.status} {r.url}"))
        who, go = PAGES[name]
        if who:
            sign_in(page, who)
        go(page)
        page.wait_for_load_state()
        open_everything(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_fits_a_360_px_phone_with_large_tap_targets(
    phone: Callable[..., Any], name: str, language: str
) -> None:
    page = phone(name, language)
    assert page.evaluate("() => document.documentElement.clientWidth") == NARROW["width"]
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{language}.png", full_page=True)
    assert sideways(page) == 0
    assert small_targets(page) == []
    assert page.errors == []


@pytest.mark.parametrize(
    "name",
    ["log-a-need", "case", "referral", "my-block", "board", "people", "history", "reminders"],
)
def test_the_page_survives_the_phones_largest_font(phone: Callable[..., Any], name: str) -> None:
    page = phone(name, "zh_CN")
    large_font(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}-large-font.png", full_page=True)
    assert sideways(page) == 0
    assert small_targets(page) == []


def test_chinese_is_drawn_with_a_chinese_font(phone: Callable[..., Any]) -> None:
    page = phone("sign-in", "zh_CN")
    assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"', '登录')")
