"""Offline capture on a phone: with the network cut, "Log a need" still opens (from the service
worker) and keeps the need waiting on the phone — through a reload — and once the network is
back and the app is opened again, the need arrives exactly once, with the time it was captured."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

import pytest

from kernel.community import DEMO_COMMUNITY
from tests.browser.harness import Harness, sign_in
from web import services
from web.operations.casework import NEED_IDS

pytestmark = pytest.mark.browser

WAITING = "#offline-status .waiting-need"
QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("needs-offline", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const read = open.result.transaction("needs").objectStore("needs").getAll();
    read.onsuccess = () => resolve(read.result);
  };
})"""
SHELL_KEPT = """async () => {
  const names = await caches.keys();
  for (const name of names) {
    if (await (await caches.open(name)).match("/needs/new", {ignoreVary: true})) return true;
  }
  return false;
}"""


@pytest.fixture
def phone(live: Harness) -> Iterator[Any]:
    context = live.phone()
    try:
        yield context
    finally:
        context.close()


def _cut(context: Any) -> None:
    # The offline switch does not stop a service worker's own fetches: abort every request too.
    context.route("**/*", lambda route: route.abort())
    context.set_offline(True)


def _restore(context: Any) -> None:
    context.unroute("**/*")
    context.set_offline(False)


def _described(live: Harness, words: str) -> list[dict[str, Any]]:
    running = services(live.app)
    rows, _ = running.view.list_needs(DEMO_COMMUNITY.id, blocks=["B3"], limit=500)
    found = [running.needs.get_need(UUID(row["need_id"])) for row in rows]
    return [need for need in found if need["description"] == words]


def _wait_for(check: Any, seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_a_need_logged_with_no_signal_arrives_once_when_the_signal_returns(
    live: Harness, phone: Any
) -> None:
    page = phone.new_page()
    sign_in(page, "leader3")
    page.goto("/needs/new")
    # The service worker is in charge of the page and has kept it for the phone.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert _wait_for(lambda: page.evaluate(SHELL_KEPT))
    page.reload()  # the copy kept on the phone is now this very page (one form key per render)
    kept_key = page.locator("#log-need input[name=key]").input_value()
    words = f"停水三天，老人无法做饭 {uuid4().hex[:8]}"

    _cut(phone)
    form = page.locator("#log-need")
    form.locator("label.tile", has_text="救急").click()
    form.get_by_role("textbox", name="楼号", exact=True).fill("15号楼")
    form.get_by_role("textbox", name="单元", exact=True).fill("2")
    form.get_by_role("textbox", name="室", exact=True).fill("503")
    form.get_by_role("textbox", name="情况说明", exact=True).fill(words)
    before = datetime.now().astimezone()
    form.get_by_role("button", name="登记", exact=True).click()
    page.locator(WAITING).first.wait_for()
    after = datetime.now().astimezone()
    assert "没有信号" in page.locator("#offline-status").inner_text()
    assert words in page.locator(WAITING).inner_text()
    [item] = page.evaluate(QUEUE)
    captured = datetime.fromisoformat(item["occurred_at"])
    assert before.replace(microsecond=0) <= captured <= after
    UUID(item["key"])  # made by crypto.randomUUID()

    # Still no network: the page opens from the phone and the need is still waiting.
    response = page.reload()
    assert response is not None
    assert response.from_service_worker
    page.locator(WAITING).first.wait_for()
    assert page.locator("#log-need").is_visible()
    assert page.locator("#log-need input[name=key]").input_value() == kept_key  # not the server
    assert "等待发送：1 条" in page.locator("#offline-status").inner_text()
    assert _described(live, words) == []

    # The page is closed; the signal comes back; the app is opened again: sent once, then gone
    # from the queue. Opening it again sends nothing more.
    page.close()
    _restore(phone)
    page = phone.new_page()
    page.goto("/needs")
    page.locator("#offline-status .flash.ok", has_text="已发送 1 条").wait_for()
    assert page.locator(WAITING).count() == 0
    assert page.evaluate(QUEUE) == []
    page.goto("/needs/new")
    page.wait_for_load_state()
    [need] = _wait_for(lambda: _described(live, words))
    assert need["id"] == uuid5(NEED_IDS, f"leader3:{item['key']}")
    history = services(live.app).needs.get_history(need["id"])
    assert history[0]["occurred_at"] == captured
    assert history[0]["recorded_at"] > captured
    assert len(_described(live, words)) == 1


def test_a_need_whose_sending_fails_with_a_signal_waits_and_is_sent_later(
    live: Harness, phone: Any
) -> None:
    page = phone.new_page()
    sign_in(page, "leader3")
    page.goto("/needs/new")
    words = f"电梯停了，老人下不了楼 {uuid4().hex[:8]}"
    # One bar of signal: the phone thinks it is online, but the need does not get through.
    phone.route("**/sync/needs*", lambda route: route.abort())
    form = page.locator("#log-need")
    form.locator("label.tile", has_text="帮困").click()
    form.get_by_role("textbox", name="楼号", exact=True).fill("16号楼")
    form.get_by_role("textbox", name="情况说明", exact=True).fill(words)
    form.get_by_role("button", name="登记", exact=True).click()
    page.locator(WAITING).first.wait_for()
    assert "/needs/new" in page.url
    assert _described(live, words) == []
    assert page.locator("#log-need button.primary").is_enabled()

    phone.unroute("**/sync/needs*")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator("#offline-status .flash.ok", has_text="已发送 1 条").wait_for()
    assert len(_wait_for(lambda: _described(live, words))) == 1


def test_signing_out_forgets_the_page_kept_on_the_phone(live: Harness, phone: Any) -> None:
    page = phone.new_page()
    sign_in(page, "leader3")
    page.goto("/needs/new")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert _wait_for(lambda: page.evaluate(SHELL_KEPT))
    page.locator("form[action$='/sign-out'] button").click()
    page.wait_for_url(lambda url: "/sign-in" in url)
    assert _wait_for(lambda: not page.evaluate(SHELL_KEPT))


def test_a_leader_who_signs_in_has_log_a_need_kept_without_opening_it(
    live: Harness, phone: Any
) -> None:
    page = phone.new_page()
    sign_in(page, "leader3")
    assert "/needs/new" not in page.url
    assert _wait_for(lambda: page.evaluate(SHELL_KEPT))
