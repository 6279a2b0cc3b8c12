"""The block leader's "today" on a 360 px phone: a duty due is discharged with one tap, and the
secretary's compliance board counts it."""

from __future__ import annotations

from uuid import UUID

import pytest

from tests.browser.harness import NARROW, Harness, signed_in
from web import services

pytestmark = pytest.mark.browser


def board_counts(block: str) -> dict[str, int]:
    """The compliance board's row for a block, as the secretary's phone shows it."""
    with signed_in("secretary", viewport=NARROW) as page:
        page.goto("/compliance")
        cells = page.locator(f'tr[data-block="{block}"] td')
        return {
            cells.nth(i).get_attribute("data-count") or "": int(cells.nth(i).inner_text())
            for i in range(cells.count())
        }


def test_a_leader_discharges_a_duty_in_one_tap_and_the_board_counts_it(live: Harness) -> None:
    before = board_counts("B3")
    with signed_in("leader3", viewport=NARROW) as page:
        page.goto("/today")
        card = page.locator("#due li.duty").first
        duty_id = UUID(card.get_attribute("data-duty") or "")
        card.get_by_role("button").click()
        page.wait_for_url("**/today")
        assert page.locator(f'[data-duty="{duty_id}"]').count() == 0
        assert "已完成" in page.locator(".flash").inner_text()
    duty = services(live.app).duties.get_duty(duty_id)
    assert (duty["status"], duty["discharged_by"]) == ("discharged", "leader3")
    after = board_counts("B3")
    done = "on_time" if duty["discharged_at"] <= duty["due_at"] else "late"
    assert after[done] == before[done] + 1
    assert after["due"] == before["due"]
