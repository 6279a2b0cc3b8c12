"""The consent form at the door on a 360 px phone: it fits without sideways scrolling, every tile
is a large tap target (at the phone's largest font too), and an answer tapped in is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from kernel.community import DEMO_COMMUNITY
from tests.browser.harness import NARROW, Harness, sign_in
from tests.browser.measure import large_font, sideways, small_targets
from web import services

pytestmark = pytest.mark.browser


@pytest.fixture
def door(live: Harness) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Building 22's door page on a 360 px phone, its treasurer signed in."""
    running = services(live.app)
    [project] = [
        p
        for p in running.projects.list_projects(community=DEMO_COMMUNITY.id, blocks={"B4"})
        if p["building"] == 22
    ]
    context = live.phone(viewport=NARROW)
    try:
        page = context.new_page()
        sign_in(page, "treasurer22")
        page.goto(f"/projects/{project['id']}/consent")
        yield page, project
    finally:
        context.close()


def test_the_consent_form_fits_a_360_px_phone_with_large_tap_targets(door: Any) -> None:
    page, _ = door
    assert page.evaluate("() => document.documentElement.clientWidth") == NARROW["width"]
    assert page.locator("#record-consent label.tile").count() == 12 + 3
    assert sideways(page) == 0
    assert small_targets(page) == []
    large_font(page)
    assert sideways(page) == 0


def test_an_answer_tapped_in_at_the_door_is_recorded(live: Harness, door: Any) -> None:
    page, project = door
    before = len(services(live.app).projects.get_history(UUID(project["id"])))
    form = page.locator("#record-consent")
    form.locator("label.tile", has_text="6 楼 · 1单元602").click()
    form.get_by_text("同意", exact=True).click()
    form.get_by_role("textbox", name="签字人").fill("孙家")
    form.get_by_role("button", name="记录意见").click()
    page.locator(".flash.ok", has_text="已记录该户意见").wait_for()
    assert page.url.endswith(f"/projects/{project['id']}/consent")
    history = services(live.app).projects.get_history(UUID(project["id"]))
    assert len(history) == before + 1
    assert history[-1]["type"] == "ConsentRecorded"
    assert history[-1]["actor"] == "treasurer22"
