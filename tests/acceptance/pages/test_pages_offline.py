"""Steps of features/block_leader/pages_offline.feature: a leader logs a need with no signal;
the phone keeps it and sends it once when the app is open with a signal again."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.community import DEMO_COMMUNITY
from tests.acceptance.pages.conftest import QUOTED, Journey, service
from tests.browser.harness import PASSWORD
from web.operations.casework import NEED_IDS

pytestmark = pytest.mark.browser

scenarios("block_leader/pages_offline.feature")

STATUS = "#offline-status"
WAITING = "#offline-status .waiting-need"
QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("needs-offline", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const read = open.result.transaction("needs").objectStore("needs").getAll();
    read.onsuccess = () => resolve(read.result);
  };
})"""
KEPT = """async () => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match("/needs/new", {ignoreVary: true})) return true;
  }
  return false;
}"""


@pytest.fixture
def waiting() -> dict[str, Any]:
    """What the scenario captured: the words (made unique), the queue item, the form's key."""
    return {}


def _leader(journey: Journey) -> Any:
    return journey.phone("leader3")


def _needs_saying(words: str) -> list[dict[str, Any]]:
    running = service()
    rows, _ = running.view.list_needs(DEMO_COMMUNITY.id, blocks=["B3"], limit=500)
    found = [running.needs.get_need(UUID(row["need_id"])) for row in rows]
    return [need for need in found if need["description"] == words]


@given(parsers.re(r"leader3 has opened " + QUOTED + r" once with a signal"))
def opened_once(journey: Journey, waiting: dict[str, Any], words: str) -> None:
    page = _leader(journey)
    page.get_by_role("link", name=words).first.click()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    deadline = time.monotonic() + 15
    while not page.evaluate(KEPT):
        assert time.monotonic() < deadline, "the service worker did not keep the page"
        time.sleep(0.2)
    page.reload()  # the copy on the phone is now this page: its form key says which it is
    waiting["form_key"] = page.locator("#log-need input[name=key]").input_value()


@when("the phone loses its signal")
def no_signal(journey: Journey) -> None:
    context = _leader(journey).context
    # The offline switch alone lets a service worker's own fetches through: abort them all too.
    context.route("**/*", lambda route: route.abort())
    context.set_offline(True)


def _signal_back(journey: Journey) -> None:
    context = _leader(journey).context
    context.unroute("**/*")
    context.set_offline(False)


@when(
    parsers.re(
        r"leader3 logs a (?P<category>\S+) need for (?P<building>\S+) (?P<unit>\d+)单元 "
        r"(?P<room>\d+)室 saying " + QUOTED
    )
)
def log_offline(
    journey: Journey,
    waiting: dict[str, Any],
    category: str,
    building: str,
    unit: str,
    room: str,
    words: str,
) -> None:
    page = _leader(journey)
    waiting["words"] = f"{words}（{uuid4().hex[:6]}）"
    form = page.locator("#log-need")
    form.locator("label.tile", has_text=category).click()
    form.get_by_role("textbox", name="楼号", exact=True).fill(building)
    form.get_by_role("textbox", name="单元", exact=True).fill(unit)
    form.get_by_role("textbox", name="室", exact=True).fill(room)
    form.get_by_role("textbox", name="情况说明", exact=True).fill(waiting["words"])
    before = datetime.now().astimezone().replace(microsecond=0)
    form.get_by_role("button", name="登记", exact=True).click()
    page.locator(WAITING).first.wait_for()
    [item] = page.evaluate(QUEUE)
    waiting["item"] = item
    captured = datetime.fromisoformat(item["occurred_at"])
    assert before <= captured <= datetime.now().astimezone()


@then(parsers.re(r"the page shows it as waiting, saying " + QUOTED))
def shown_as_waiting(journey: Journey, waiting: dict[str, Any], words: str) -> None:
    status = _leader(journey).locator(STATUS)
    assert words in status.inner_text()
    assert waiting["words"] in status.locator(".waiting-need").inner_text()


@when("leader3 reloads the page with no signal")
def reload_offline(journey: Journey, waiting: dict[str, Any]) -> None:
    page = _leader(journey)
    response = page.reload()
    assert response is not None
    assert response.from_service_worker
    page.locator(WAITING).first.wait_for()


@then(parsers.re(QUOTED + r" opens from the phone with (?P<count>\d+) need still waiting"))
def opens_from_the_phone(journey: Journey, waiting: dict[str, Any], words: str, count: str) -> None:
    page = _leader(journey)
    assert page.get_by_role("heading", name=words).is_visible()
    assert page.locator("#log-need input[name=key]").input_value() == waiting["form_key"]
    assert page.locator(WAITING).count() == int(count)
    assert f"等待发送：{count} 条" in page.locator(STATUS).inner_text()


@then("the service has not received the need")
def not_received(waiting: dict[str, Any]) -> None:
    assert _needs_saying(waiting["words"]) == []


@when("leader3 closes the page, the signal returns and leader3 opens the app again")
def reopen_with_signal(journey: Journey) -> None:
    page = _leader(journey)
    context = page.context
    page.close()
    _signal_back(journey)
    journey.phones["leader3"] = context.new_page()
    journey.phones["leader3"].goto("/needs")


@when("the signal returns after leader3's session has ended")
def session_ended(journey: Journey) -> None:
    page = _leader(journey)
    page.context.clear_cookies()  # as a day-old session would be
    _signal_back(journey)
    page.goto("/needs/new")  # the pages send the sign-in page instead
    page.wait_for_url(re.compile(r"/sign-in"))


@then(parsers.re(r"the page asks " + QUOTED + r" and (?P<count>\d+) need is still waiting"))
def asks_to_sign_in(journey: Journey, words: str, count: str) -> None:
    page = _leader(journey)
    page.locator(f"{STATUS} a", has_text=words).wait_for()
    assert page.locator(WAITING).count() == int(count)
    assert len(page.evaluate(QUEUE)) == int(count)


@when("leader3 taps it and signs in again")
def sign_in_again(journey: Journey) -> None:
    page = _leader(journey)
    page.locator(f"{STATUS} a.button").click()
    page.locator("input[name=username]").fill("leader3")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/needs/new$"))


@then(parsers.re(r"the page says " + QUOTED))
def page_says(journey: Journey, words: str) -> None:
    page = _leader(journey)
    page.locator(f"{STATUS} .flash.ok", has_text=words).wait_for()
    assert page.locator(WAITING).count() == 0
    assert page.evaluate(QUEUE) == []


@then("the service has the need exactly once, logged at the moment it was captured")
def arrived_once(journey: Journey, waiting: dict[str, Any]) -> None:
    page = _leader(journey)
    page.reload()  # opening the app again sends nothing more
    page.wait_for_load_state()
    item = waiting["item"]
    [need] = _needs_saying(waiting["words"])
    assert need["id"] == uuid5(NEED_IDS, f"leader3:{item['key']}")
    history = service().needs.get_history(need["id"])
    assert history[0]["occurred_at"] == datetime.fromisoformat(item["occurred_at"])
    assert history[0]["actor"] == "leader3"
