"""Steps of features/block_leader/pages_language.feature: Chinese by default, English in one tap."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.pages.conftest import NAME, QUOTED, Journey
from tests.browser.harness import sign_in

pytestmark = pytest.mark.browser

scenarios("block_leader/pages_language.feature")


@given("a phone that has never opened the service")
def fresh_phone(journey: Journey) -> None:
    journey.phone("someone")


# --- language --------------------------------------------------------------------------------


@when("it opens the service")
def opens_the_service(journey: Journey) -> None:
    journey.phone("someone").goto("/")


@when(parsers.re(r"the person taps " + QUOTED))
def taps_language(journey: Journey, words: str) -> None:
    page = journey.phone("someone")
    page.get_by_role("button", name=words, exact=True).click()
    page.wait_for_load_state()


@when(parsers.re(NAME + r" signs in on that phone"))
def signs_in_on_that_phone(journey: Journey, name: str) -> None:
    sign_in(journey.phone("someone"), name)


@then(parsers.re(r"the page is in (?P<language>Chinese|English), with the heading " + QUOTED))
def page_language(journey: Journey, language: str, words: str) -> None:
    page = journey.phone("someone")
    assert page.locator("html").get_attribute("lang") == (
        "zh-CN" if language == "Chinese" else "en"
    )
    assert page.locator("h1").inner_text() == words
