"""Steps of features/project_team/pages_project_forms.feature: building 22's treasurer records a
consent at the door (with no signal too) and a payment; its block's leader a meeting and a stamp."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.community import DEMO_COMMUNITY
from tests.acceptance.pages.conftest import NAME, QUOTED, Journey, service

pytestmark = pytest.mark.browser

scenarios("project_team/pages_project_forms.feature")

WAITING = "#offline-status .waiting-need"
QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("needs-offline", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const read = open.result.transaction("needs").objectStore("needs").getAll();
    read.onsuccess = () => resolve(read.result);
  };
})"""
KEPT = """async (path) => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match(path, {ignoreVary: true})) return true;
  }
  return false;
}"""


@pytest.fixture
def scene() -> dict[str, Any]:
    """What the scenario saw: the ledger before, the queue item, who holds the phone."""
    return {}


def building_22() -> dict[str, Any]:
    [found] = [
        p
        for p in service().projects.list_projects(community=DEMO_COMMUNITY.id, blocks={"B4"})
        if p["building"] == 22
    ]
    return found


def _household(label: str) -> str:
    [found] = [h for h in building_22()["households"] if h["label"] == label]
    return str(found["household_id"])


@given(parsers.re(NAME + r" has opened building 22's " + QUOTED + r" page once with a signal"))
def opened_door(journey: Journey, scene: dict[str, Any], name: str, words: str) -> None:
    page = journey.phone(name)
    page.goto(f"/projects/{building_22()['id']}")
    page.get_by_role("link", name=words).click()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    path = f"/projects/{building_22()['id']}/consent"
    page.reload()  # the worker, now in charge, keeps the page as it opens
    deadline = time.monotonic() + 15
    while not page.evaluate(KEPT, path):
        assert time.monotonic() < deadline, "the service worker did not keep the door page"
        time.sleep(0.2)
    scene["who"] = name


@when("the phone loses its signal")
def no_signal(journey: Journey, scene: dict[str, Any]) -> None:
    context = journey.phone(scene["who"]).context
    context.route("**/*", lambda route: route.abort())
    context.set_offline(True)


@when(
    parsers.re(
        NAME
        + r" records that the household (?P<label>\S+) on floor (?P<floor>\d+) "
        + QUOTED
        + r", signed on paper"
    )
)
def records_at_the_door(
    journey: Journey, scene: dict[str, Any], name: str, label: str, floor: str, words: str
) -> None:
    page = journey.phone(name)
    response = page.reload()
    assert response is not None
    assert response.from_service_worker  # the door page opens from the phone
    form = page.locator("#record-consent")
    form.locator("label.tile", has_text=f"{floor} 楼 · {label}").click()
    form.get_by_text(words, exact=True).click()
    form.locator("label.check").click()
    before = datetime.now().astimezone().replace(microsecond=0)
    form.get_by_role("button", name="记录意见").click()
    page.locator(WAITING).first.wait_for()
    [item] = page.evaluate(QUEUE)
    captured = datetime.fromisoformat(item["occurred_at"])
    assert before <= captured <= datetime.now().astimezone()
    scene.update(item=item, label=label)


@then("the door page shows the answer waiting on the phone")
def shown_waiting(journey: Journey, scene: dict[str, Any]) -> None:
    page = journey.phone(scene["who"])
    assert scene["label"] in page.locator(WAITING).inner_text()
    assert "没有信号" in page.locator("#offline-status").inner_text()


@when(parsers.re(NAME + r" closes the page, the signal returns and \S+ opens the app again"))
def reopen(journey: Journey, scene: dict[str, Any], name: str) -> None:
    page = journey.phone(name)
    context = page.context
    page.close()
    context.unroute("**/*")
    context.set_offline(False)
    journey.phones[name] = again = context.new_page()
    again.goto("/projects")


@then(parsers.re(r"the app says " + QUOTED))
def app_says(journey: Journey, scene: dict[str, Any], words: str) -> None:
    page = journey.phone(scene["who"])
    page.locator("#offline-status .flash.ok", has_text=words).wait_for()
    assert page.locator(WAITING).count() == 0
    assert page.evaluate(QUEUE) == []


@then(
    parsers.re(
        r"building 22 has " + NAME + r"'s answer for (?P<label>\S+) exactly once, given when it "
        r"was captured"
    )
)
def arrived_once(scene: dict[str, Any], name: str, label: str) -> None:
    project_id = UUID(building_22()["id"])
    item = scene["item"]
    answers = [
        e
        for e in service().projects.get_history(project_id)
        if e["type"] == "ConsentRecorded"
        and e["actor"] == name
        and e["data"]["household_id"] == _household(label)
    ]
    assert len(answers) == 1
    [answer] = answers
    assert answer["data"]["collected_by"] == name
    assert answer["occurred_at"] == datetime.fromisoformat(item["occurred_at"])


def _project_page(journey: Journey, name: str) -> Any:
    page = journey.phone(name)
    page.goto(f"/projects/{building_22()['id']}")
    return page


@when(
    parsers.re(
        NAME + r" records on building 22's page a " + QUOTED + r" of \"(?P<amount>[\d.,]+)\" "
        r"yuan from (?P<label>\S+)"
    )
)
def records_payment(
    journey: Journey, scene: dict[str, Any], name: str, words: str, amount: str, label: str
) -> None:
    scene["paid"] = building_22()["ledger"]["paid"]
    scene["who"] = name
    page = _project_page(journey, name)
    page.locator("#payment summary").click()
    form = page.locator("#record-payment")
    form.locator("select").select_option(value=_household(label))
    form.get_by_text(words, exact=True).click()
    form.get_by_role("textbox", name="金额（元）").fill(amount)
    form.locator("input[type=date]").fill("2026-11-21")
    form.get_by_role("button", name="记录款项").click()
    page.wait_for_load_state()


@when(parsers.re(NAME + r" records on building 22's page a " + QUOTED + r" held on (?P<day>\S+)"))
def records_meeting(
    journey: Journey, scene: dict[str, Any], name: str, words: str, day: str
) -> None:
    scene["who"] = name
    page = _project_page(journey, name)
    page.locator("#meeting summary").click()
    form = page.locator("#record-meeting")
    form.locator("select").select_option(label=words)
    form.locator("input[type=date]").fill(day)
    form.get_by_role("button", name="记录会议").click()
    page.wait_for_load_state()


@when(
    parsers.re(
        NAME
        + r" records on building 22's page a stamp for step (?P<step>\S+) with reference "
        + QUOTED
    )
)
def records_stamp(
    journey: Journey, scene: dict[str, Any], name: str, step: str, words: str
) -> None:
    page = _project_page(journey, name)
    page.locator("#stamp summary").click()
    form = page.locator("#record-stamp")
    form.locator("select").select_option(value=step)
    form.locator("input[type=date]").fill("2026-11-22")
    form.get_by_role("textbox", name="文号").fill(words)
    form.get_by_role("button", name="记录盖章").click()
    page.wait_for_load_state()


@then(parsers.re(r"the project page says " + QUOTED))
def page_says(journey: Journey, scene: dict[str, Any], words: str) -> None:
    page = journey.phone(scene["who"])
    assert re.search(r"/projects/[0-9a-f-]{36}$", page.url)
    assert words in page.locator(".flash.ok").inner_text()


@then(parsers.re(r"building 22's ledger shows (?P<fen>\d+) fen more paid"))
def ledger_paid(scene: dict[str, Any], fen: str) -> None:
    assert building_22()["ledger"]["paid"] - scene["paid"] == int(fen)


@then(parsers.re(r"the flow chart on building 22's page draws step (?P<step>\S+) as in progress"))
def drawn_in_progress(journey: Journey, scene: dict[str, Any], step: str) -> None:
    page = journey.phone(scene["who"])
    box = page.locator(f"svg g.flow-step[data-step='{step}']")
    assert box.get_attribute("class") == "flow-step step-started"
    assert "处理中" in box.locator("title").text_content()
