"""Households at the centre on the phone: a household's whole story, the warning before
logging the same need twice, follow-up visits and handovers that move the caseload."""

from __future__ import annotations

from flask import Flask

from tests.integration.pages.conftest import Phone, log_need, text
from web import services


def test_the_household_page_shows_every_need_open_and_closed_with_its_outcome(
    app: Flask, leader: Phone, clock
) -> None:
    closed = log_need(app, category="hardship", urgency="normal")
    with app.app_context():
        running = services()
        running.needs.resolve(closed, "helped", "邻居帮忙", actor="leader3")
        household_id = running.needs.load(closed).household.id
    clock.advance(hours=1)
    still_open = log_need(app)
    page = text(leader.open(f"/households/{household_id}"))
    assert page.index(f'data-need="{still_open}"') < page.index(f'data-need="{closed}"')
    assert 'data-status="resolved"' in page
    assert 'data-status="open"' in page
    assert page.count('data-story="need"') == 2
