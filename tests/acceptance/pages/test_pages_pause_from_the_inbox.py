"""Steps of features/partner/pages_pause_from_the_inbox.feature: a partner's clerk pauses new
referrals from the inbox on a phone and takes them again (the clerk's other steps are shared,
conftest.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytest_bdd import parsers, scenarios, then, when

from kernel.clock import SHANGHAI
from tests.acceptance.pages.conftest import NAME, QUOTED, Journey
from tests.browser.harness import sign_in

pytestmark = pytest.mark.browser

scenarios("partner/pages_pause_from_the_inbox.feature")


@when(
    parsers.re(
        r"the clerk " + NAME + r" signs in on a phone and pauses new referrals from today until "
        r"(?P<until>[\d-]+), because " + QUOTED
    )
)
def pauses(journey: Journey, name: str, until: str, words: str) -> None:
    page = journey.phone("clerk")
    sign_in(page, name)
    page.goto("/inbox")
    page.locator("summary", has_text="暂停接收新转介").click()
    page.locator("#pause-starts_on").fill(datetime.now(SHANGHAI).date().isoformat())
    page.locator("#pause-ends_on").fill(until)
    page.locator("#pause-reason").fill(words)
    page.locator("form[action*='/edit/pause'] button[type=submit]").click()
    page.wait_for_url("**/inbox")


@then(parsers.re(r"the inbox says " + QUOTED))
def inbox_says(journey: Journey, words: str) -> None:
    page = journey.phone("clerk")
    assert page.url.endswith("/inbox")
    assert words in page.locator(".self-service").inner_text()
