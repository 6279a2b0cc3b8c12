"""Steps of the secretary's and the auditor's page journeys (features/secretary/pages_*.feature,
features/auditor/pages_*.feature), on phones against the live, demo-seeded server."""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, then, when

from kernel.community import DEMO_COMMUNITY
from tests.acceptance.pages.conftest import NAME, QUOTED, Journey, service

CELL = r"(?P<block>B\d) (?P<category>\S+)"


def _category(name_zh: str) -> str:
    community = service().needs.community(DEMO_COMMUNITY.id)
    (code,) = [c.code for c in community.categories if c.name_zh == name_zh]
    return code


def _cell(page: Any, block: str, category: str) -> int:
    text = page.locator(f"td[data-cell='{block}-{_category(category)}']").inner_text()
    found = re.match(r"\s*(\d+)", text)
    assert found is not None, text
    return int(found.group(1))


def _board(page: Any) -> None:
    page.goto("/board")
    assert page.locator("h1").inner_text() == "菜单看板"


# --- the board -------------------------------------------------------------------------------


@given(parsers.re(r"the secretary has noted the board's count for " + CELL))
def noted_count(journey: Journey, block: str, category: str) -> None:
    page = journey.phone("secretary")
    _board(page)
    journey.noted = _cell(page, block, category)  # type: ignore[attr-defined]


@when(parsers.re(r"leader3 logs a (?P<category>\S+) need in (?P<block>B\d)"))
def leader_logs(journey: Journey, category: str, block: str) -> None:
    journey.need_id = service().casework.log_need(
        community=DEMO_COMMUNITY.id,
        category=_category(category),
        block=block,
        building="14",
        unit="1",
        room="101",
        description="楼道里有煤气味",
        urgency="critical",
        consent_to_share=False,
        actor="leader3",
    )


@when("the secretary opens the board again")
def board_again(journey: Journey) -> None:
    _board(journey.phone("secretary"))


@then(parsers.re(r"the board's count for " + CELL + r" has grown by (?P<more>\d+)"))
def count_grew(journey: Journey, block: str, category: str, more: str) -> None:
    page = journey.phone("secretary")
    assert _cell(page, block, category) == journey.noted + int(more)  # type: ignore[attr-defined]


@then(parsers.re(r"the board shows (?P<weeks>\d+) weeks of needs logged and resolved"))
def board_chart(journey: Journey, weeks: str) -> None:
    page = journey.phone("secretary")
    assert page.locator("svg rect.bar.logged").count() == int(weeks)
    assert page.locator("svg rect.bar.resolved").count() == int(weeks)
    assert "近 12 周" in page.locator("main").inner_text()


@then(parsers.re(r"the board shows how often " + NAME + r" accepts and how quickly"))
def board_partner(journey: Journey, name: str) -> None:
    card = journey.phone("secretary").locator(".partner-row", has_text=name)
    words = card.inner_text()
    assert re.search(r"已接受 \d+ 件中的 \d+%", words), words
    assert "接受用时中位数" in words


# --- the partner directory -------------------------------------------------------------------


def _partners(page: Any) -> None:
    page.goto("/partners")
    assert page.locator("h1").inner_text() == "联建单位"


@when(parsers.re(r"the secretary suspends " + NAME + r" on the partners page"))
def suspend(journey: Journey, name: str) -> None:
    page = journey.phone("secretary")
    _partners(page)
    card = page.locator(".partner-row", has_text=name)
    card.locator("summary", has_text="暂停").click()
    card.get_by_role("button", name=f"暂停 {name}").click()
    page.wait_for_load_state()


@when(parsers.re(r"the secretary lets " + NAME + r" take referrals again"))
def reactivate(journey: Journey, name: str) -> None:
    page = journey.phone("secretary")
    card = page.locator(".partner-row", has_text=name)
    card.get_by_role("button", name="恢复接收转介").click()
    page.wait_for_load_state()


@then(parsers.re(r"the partners page shows " + NAME + r" as " + QUOTED))
def partner_state(journey: Journey, name: str, words: str) -> None:
    card = journey.phone("secretary").locator(".partner-row", has_text=name)
    assert card.locator(".chip").inner_text() == words


# --- people ----------------------------------------------------------------------------------


@when(
    parsers.re(
        r"the secretary adds the block leader "
        + NAME
        + r" for (?P<block>B\d) with the password "
        + QUOTED
    )
)
def add_leader(journey: Journey, name: str, block: str, words: str) -> None:
    page = journey.phone("secretary")
    page.goto("/people")
    page.locator("#leader-title > summary").click()
    form = page.locator("form", has=page.locator("input[name='leader-username']"))
    form.locator("input[name='leader-username']").fill(name)
    form.locator("input[name='leader-password']").fill(words)
    form.locator("label.check", has_text=block).click()
    form.get_by_role("button", name="确认添加").click()
    page.wait_for_load_state()
    assert f"{name} 现在可以登录了。" in page.locator(".flash").inner_text()


def _try_sign_in(journey: Journey, name: str, password: str) -> Any:
    page = journey.phone(f"{name}-{len(journey.phones)}")
    page.goto("/sign-in")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(password)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()
    return page


@then(
    parsers.re(
        NAME + r" can sign in on another phone with " + QUOTED + r' and sees "(?P<h1>[^"]+)"'
    )
)
def can_sign_in(journey: Journey, name: str, words: str, h1: str) -> None:
    page = _try_sign_in(journey, name, words)
    assert page.locator("h1").inner_text() == h1


@when(parsers.re(r"the secretary disables " + NAME))
def disable(journey: Journey, name: str) -> None:
    page = journey.phone("secretary")
    page.goto("/people")
    card = page.locator(f"#person-{name}")
    card.locator("summary", has_text="停用账号").click()
    card.get_by_role("button", name=f"停用 {name}").click()
    page.wait_for_load_state()


@then(parsers.re(NAME + r" can no longer sign in with " + QUOTED))
def cannot_sign_in(journey: Journey, name: str, words: str) -> None:
    page = _try_sign_in(journey, name, words)
    assert "/sign-in" in page.url


@when(parsers.re(NAME + r' opens "(?P<path>/[^"]*)"'))
def opens(journey: Journey, name: str, path: str) -> None:
    journey.phone(name).goto(path)


@then(parsers.re(NAME + r" sees the page " + QUOTED))
def sees_page(journey: Journey, name: str, words: str) -> None:
    assert journey.phone(name).locator("h1").inner_text() == words


# --- the auditor -----------------------------------------------------------------------------


@given(parsers.re(r"the clerk " + NAME + r" has accepted the referral"))
def clerk_accepted(journey: Journey, name: str) -> None:
    running = service()
    need = running.needs.get_need(journey.need_id)
    running.casework.act_on_referral(need["referrals"][-1]["id"], "accept", "", actor=name)


@when("the auditor opens the case's history")
def open_history(journey: Journey) -> None:
    page = journey.phone("auditor")
    page.goto(f"/needs/{journey.need_id}")
    page.locator(f"a[href='/needs/{journey.need_id}/history']").click()
    page.wait_for_url(f"**/needs/{journey.need_id}/history")


def _events(journey: Journey) -> Any:
    return journey.phone("auditor").locator(".timeline.audit > li")


@then(parsers.re(r"the history lists (?P<count>\d+) events: (?P<names>.+)"))
def history_lists(journey: Journey, count: str, names: str) -> None:
    events = _events(journey)
    assert events.count() == int(count)
    for i, name in enumerate(re.findall(r'"([^"]+)"', names)):
        assert events.nth(i).locator("strong").inner_text() == f"{i + 1}. {name}"


@then("each event names who did it, when it happened and when it was recorded")
def each_event_names(journey: Journey) -> None:
    events = _events(journey)
    for i in range(events.count()):
        words = events.nth(i).inner_text()
        assert "操作人：" in words
        assert "发生于" in words
        assert "记录于" in words
        assert events.nth(i).locator("time").count() == 2


@then(
    parsers.re(
        r"the last event shows the referral's status changing from "
        + QUOTED
        + r' to "(?P<after>[^"]+)"'
    )
)
def last_event_changes(journey: Journey, words: str, after: str) -> None:
    last = _events(journey).last
    last.locator("summary").click()
    row = last.locator("dd", has_text=after)
    assert row.locator(".before").first.inner_text() == words


@when(parsers.re(r"the auditor asks for the case as it stood after event (?P<number>\d+)"))
def as_it_stood(journey: Journey, number: str) -> None:
    page = journey.phone("auditor")
    page.locator("select#at").select_option(number)
    page.get_by_role("button", name="查看", exact=True).click()
    page.wait_for_url(f"**/history?at={number}*")


@then(parsers.re(r"the case then shows the referral to " + NAME + r" as " + QUOTED))
def case_then(journey: Journey, name: str, words: str) -> None:
    then_section = journey.phone("auditor").locator("section.then")
    card = then_section.locator(".card", has_text=name)
    assert card.locator(".chip").inner_text() == words
