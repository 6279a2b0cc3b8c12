"""Steps of the page journeys (features/*/pages_*.feature): people on phones — Playwright
driving Debian's chromium like a Pixel 7 — against the live, demo-seeded server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, then, when

from kernel.community import DEMO_COMMUNITY
from tests.browser.harness import Harness, harness, sign_in, stop
from web import services

QUOTED = r'"(?P<words>[^"]*)"'
NAME = r"(?P<name>[^\s,\"]+)"


@dataclass
class Journey:
    """The phones of a scenario, who holds which, and what they saw."""

    live: Harness
    phones: dict[str, Any] = field(default_factory=dict)
    contexts: list[Any] = field(default_factory=list)
    taps: int = 0
    started: float = 0.0
    took: float = 0.0
    need_id: UUID | None = None
    board_before: int = 0

    def phone(self, who: str, **options: Any) -> Any:
        """The page on `who`'s phone, opened on first use."""
        if who not in self.phones:
            context = self.live.phone(**options)
            self.contexts.append(context)
            self.phones[who] = context.new_page()
        return self.phones[who]

    def tap(self, locator: Any) -> None:
        locator.click()
        self.taps += 1


@pytest.fixture(scope="session")
def live() -> Iterator[Harness]:
    yield harness()
    stop()


@pytest.fixture
def journey(live: Harness) -> Iterator[Journey]:
    trip = Journey(live)
    yield trip
    for context in trip.contexts:
        context.close()


def service() -> Any:
    return services(harness().app)


# --- the service and the people ----------------------------------------------------------------


@given("the service runs with the demo community 怒江苑 and its partners")
def demo_service(live: Harness) -> None:
    running = service()
    assert running.needs.community(DEMO_COMMUNITY.id).name == "怒江苑"
    assert running.partners.find_by_name(DEMO_COMMUNITY.id, "利群医院") is not None


@given(parsers.re(NAME + r" has signed in on a phone in Chinese"))
def signed_in_in_chinese(journey: Journey, name: str) -> None:
    page = journey.phone(name)
    journey.started = time.monotonic()
    sign_in(page, name)
    assert page.locator("html").get_attribute("lang") == "zh-CN"


@given(
    parsers.re(
        r"leader3 has logged a (?P<category>\S+) need for (?P<building>\d+)号楼 (?P<unit>\d+)单元 "
        r"(?P<room>\d+)室 (?P<consent>with|without) the resident's consent, for (?P<resident>\S+), "
        r"and referred it to (?P<partner>\S+) with the note " + QUOTED
    )
)
def logged_and_referred(
    journey: Journey,
    category: str,
    building: str,
    unit: str,
    room: str,
    consent: str,
    resident: str,
    partner: str,
    words: str,
) -> None:
    running = service()
    community = running.needs.community(DEMO_COMMUNITY.id)
    (code,) = [c.code for c in community.categories if c.name_zh == category]
    journey.need_id = running.casework.log_need(
        community=community.id,
        category=code,
        block="B3",
        building=building,
        unit=unit,
        room=room,
        resident_name=resident,
        description=f"{resident}在家摔倒，腿疼得厉害",
        urgency="high",
        consent_to_share=consent == "with",
        actor="leader3",
    )
    found = running.partners.find_by_name(community.id, partner)
    running.casework.refer(journey.need_id, found.partner_id, words, actor="leader3")


# --- the clerk -------------------------------------------------------------------------------


@when(
    parsers.re(
        r"the clerk " + NAME + r" signs in on another phone and opens the referral from the inbox"
    )
)
def clerk_opens_the_referral(journey: Journey, name: str) -> None:
    page = journey.phone("clerk")
    sign_in(page, name)
    assert page.locator("h1").inner_text() == "收件箱"
    need = service().needs.get_need(journey.need_id)
    referral_id = need["referrals"][-1]["id"]
    page.locator(f"a[href='/inbox/{referral_id}']").click()
    page.wait_for_url(f"**/inbox/{referral_id}")


@when(parsers.re(r"the clerk taps " + QUOTED))
def clerk_taps(journey: Journey, words: str) -> None:
    page = journey.phone("clerk")
    page.get_by_role("button", name=words, exact=True).click()
    page.wait_for_load_state()


@when(parsers.re(r"the clerk declines because of " + QUOTED))
def clerk_declines(journey: Journey, words: str) -> None:
    page = journey.phone("clerk")
    page.locator("summary", has_text="拒绝").click()
    page.locator("label.tile", has_text=words).click()
    page.get_by_role("button", name="拒绝这次转介").click()
    page.wait_for_load_state()


@then("the clerk sees the resident's name and what happened")
def clerk_sees_personal_data(journey: Journey) -> None:
    need = service().needs.get_need(journey.need_id)
    body = journey.phone("clerk").locator("main").inner_text()
    assert need["resident_name"] in body
    assert need["description"] in body


@then(parsers.re(r"the clerk does not see (?P<resident>\S+), the room or what happened"))
def clerk_sees_no_personal_data(journey: Journey, resident: str) -> None:
    need = service().needs.get_need(journey.need_id)
    body = journey.phone("clerk").content()
    for personal in (resident, f"{need['household']['room']}室", need["description"]):
        assert personal not in body
    assert "居民没有同意共享个人信息" in body


@then(parsers.re(r"the clerk sees the note " + QUOTED))
def clerk_sees_the_note(journey: Journey, words: str) -> None:
    assert words in journey.phone("clerk").locator("main").inner_text()


@then(parsers.re(r"the clerk's page says " + QUOTED))
def clerk_page_says(journey: Journey, words: str) -> None:
    assert words in journey.phone("clerk").locator(".flash").inner_text()


@then(parsers.re(r"the clerk's page shows the referral as " + QUOTED))
def clerk_page_status(journey: Journey, words: str) -> None:
    assert words in journey.phone("clerk").locator(".chips").inner_text()
