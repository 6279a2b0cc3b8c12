"""Steps of features/block_leader/pages_log_and_refer.feature: a leader logs a need on the
phone and refers it; the partner's clerk accepts it on another phone."""

from __future__ import annotations

import re
import time
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.clock import SHANGHAI
from kernel.community import DEMO_COMMUNITY
from tests.acceptance.pages.conftest import NAME, QUOTED, Journey, service
from tests.browser.harness import sign_in

pytestmark = pytest.mark.browser

scenarios("block_leader/pages_log_and_refer.feature")


# --- logging and referring -------------------------------------------------------------------


@when(
    parsers.re(
        r"leader3 logs a (?P<category>\S+) need for (?P<building>\S+) (?P<unit>\d+)单元 "
        r"(?P<room>\d+)室, urgency (?P<urgency>\S+), saying "
        + QUOTED
        + r", with the resident's consent"
    )
)
def log_on_the_phone(
    journey: Journey, category: str, building: str, unit: str, room: str, urgency: str, words: str
) -> None:
    page = journey.phone("leader3")
    journey.taps = 0
    journey.tap(page.get_by_role("link", name="登记需求").first)
    form = page.locator("#log-need")
    journey.tap(form.locator("label.tile", has_text=category))
    form.get_by_role("textbox", name="楼号", exact=True).fill(building)
    form.get_by_role("textbox", name="单元", exact=True).fill(unit)
    form.get_by_role("textbox", name="室", exact=True).fill(room)
    journey.tap(form.locator("label.tile", has_text=re.compile(f"^\\s*{urgency}\\s*$")))
    form.get_by_role("textbox", name="情况说明", exact=True).fill(words)
    journey.tap(form.locator("label.check"))
    journey.tap(form.get_by_role("button", name="登记", exact=True))
    page.wait_for_url(re.compile(r"/needs/[0-9a-f-]{36}$"))
    journey.took = time.monotonic() - journey.started
    journey.need_id = UUID(page.url.rsplit("/", 1)[1])


@when(
    parsers.re(
        r"leader3 picks (?P<partner>\S+) from the ranked partners, each shown with its reasons, "
        r"and taps " + QUOTED
    )
)
def refer_on_the_phone(journey: Journey, partner: str, words: str) -> None:
    page = journey.phone("leader3")
    tile = page.locator("label.tile.partner", has_text=partner)
    assert tile.locator(".reason").count() >= 3
    tile.click()
    page.get_by_role("button", name=words, exact=True).click()
    page.wait_for_load_state()


# --- what the leader sees --------------------------------------------------------------------


@then(parsers.re(r"the case page says " + QUOTED))
def case_page_says(journey: Journey, words: str) -> None:
    assert words in journey.phone("leader3").locator(".flash").inner_text()


@then(
    parsers.re(
        r"logging the need took under a minute and no more than (?P<most>\d+) taps besides typing"
    )
)
def quick_enough(journey: Journey, most: str) -> None:
    assert journey.took < 60
    assert journey.taps - 1 <= int(most)  # the first tap only opened the form


@then(
    parsers.re(
        r"the timeline shows " + QUOTED + r" by " + NAME + r" at the time it happened in Shanghai"
    )
)
def timeline_entry(journey: Journey, words: str, name: str) -> None:
    need = service().needs.get_need(journey.need_id)
    local = need["logged_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    entry = journey.phone("leader3").locator(".timeline li").first.inner_text()
    assert words in entry
    assert f"{name} · {local}" in entry


@then(
    parsers.re(
        r"(?:on leader3's phone )?the case page shows the referral to (?P<partner>\S+) as " + QUOTED
    )
)
def case_shows_referral(journey: Journey, partner: str, words: str) -> None:
    page = journey.phone("leader3")
    page.reload()
    card = page.locator("li.card", has_text=partner)
    assert words in card.locator(".chip").inner_text()


# --- the secretary's board and the auditor's history ------------------------------------------


def _board_count(page: Any, block: str, category_zh: str) -> int:
    code = next(c.code for c in DEMO_COMMUNITY.categories if c.name_zh == category_zh)
    page.goto("/board")
    text = page.locator(f'td[data-cell="{block}-{code}"]').inner_text()
    return int(re.match(r"\d+", text.strip()).group(0))  # type: ignore[union-attr]


@given(
    parsers.re(
        r"the secretary has the board open and notes the open (?P<category>\S+) needs in "
        r"(?P<block>B\d)"
    )
)
def secretary_notes_the_board(journey: Journey, category: str, block: str) -> None:
    page = journey.phone("secretary")
    sign_in(page, "secretary")
    journey.board_before = _board_count(page, block, category)


@then(
    parsers.re(
        r"on the secretary's phone the board shows one more open (?P<category>\S+) need in "
        r"(?P<block>B\d)"
    )
)
def board_counts_one_more(journey: Journey, category: str, block: str) -> None:
    page = journey.phone("secretary")
    assert _board_count(page, block, category) == journey.board_before + 1


@then(
    parsers.re(
        r"the auditor, on a phone of their own, sees "
        + QUOTED
        + r" by "
        + NAME
        + r" in the case's history"
    )
)
def auditor_sees_the_event(journey: Journey, words: str, name: str) -> None:
    page = journey.phone("auditor")
    sign_in(page, "auditor")
    page.goto(f"/needs/{journey.need_id}/history")
    entries = page.locator(".timeline.audit li")
    assert any(words in text and name in text for text in entries.all_inner_texts())
