"""Steps of 'A volunteer's own work' (features/volunteer/api_my_work.feature)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.community import DEMO_COMMUNITY
from tests.acceptance.http.support import QUOTED, USER, Answer, Api, succeeded
from tests.integration.conftest import PASSWORD
from web.bootstrap import services

scenarios("volunteer/api_my_work.feature")


@pytest.fixture
def group() -> dict[str, Any]:
    return {}


@given(
    parsers.re(
        r"block (?P<block>B\d+)'s volunteer group has "
        + QUOTED.format("first")
        + r", who signs in as (?P<first_account>\w+), and "
        + QUOTED.format("second")
        + r", who signs in as (?P<second_account>\w+)"
    )
)
def volunteer_group(
    app: Flask,
    api: Api,
    group: dict[str, Any],
    block: str,
    first: str,
    first_account: str,
    second: str,
    second_account: str,
) -> None:
    with app.app_context():  # accounts are made by the service's operators, not the API
        for account in (first_account, second_account):
            services().accounts.register_user(
                community=DEMO_COMMUNITY.id,
                username=account,
                role="volunteer",
                blocks=[block],
                password=PASSWORD,
                actor="setup",
            )
    leader = f"leader{block[1:]}"
    api.sign_in(leader)
    body = {"block": block, "name": "邻里守望组团", "leader": "陈桂英"}
    group.update(succeeded(api.post(leader, "/volunteer-groups", body), 201))
    path = f"/volunteer-groups/{group['id']}/members"
    for name, account in ((first, first_account), (second, second_account)):
        group.update(succeeded(api.post(leader, path, {"name": name, "account": account})))


@given(parsers.re(USER + r" has asked " + QUOTED.format("name") + r" to help with the need"))
def has_asked(
    api: Api, group: dict[str, Any], need: dict[str, Any], username: str, name: str
) -> None:
    (member,) = [m for m in group["members"] if m["name"] == name]
    body = {"member_id": member["id"]}
    succeeded(api.post(username, f"/needs/{need['id']}/volunteer", body))


@when(parsers.re(USER + r" reads what is asked of them"), target_fixture="answer")
def reads_my_work(api: Api, username: str) -> Answer:
    api.sign_in(username)
    return api.get(username, "/assigned-to-me")


@then("they find the need, and nothing else")
def finds_the_need(answer: Answer, need: dict[str, Any]) -> None:
    found = succeeded(answer)
    assert [n["id"] for n in found["needs"]] == [need["id"]]
    assert found["duties"] == []


@when(parsers.re(USER + r" reads the need$"), target_fixture="answer")
def reads_need(api: Api, need: dict[str, Any], username: str) -> Answer:
    api.sign_in(username)
    return api.get(username, f"/needs/{need['id']}")


@when(
    parsers.re(USER + r" records a visit to the need: " + QUOTED.format("notes")),
    target_fixture="answer",
)
def records_visit(api: Api, need: dict[str, Any], username: str, notes: str) -> Answer:
    api.sign_in(username)
    return api.post(username, f"/needs/{need['id']}/visits", {"notes": notes})


@then(
    parsers.re(
        r"the need shows the visit by (?P<visitor>\w+), and " + USER + r" still answers for it"
    )
)
def shows_visit(answer: Answer, visitor: str, username: str) -> None:
    found = succeeded(answer)
    assert found["visits"][-1]["visitor"] == visitor
    assert found["logged_by"] == username
    assert found["assignee"] in (None, username)


@when(parsers.re(USER + r" resolves the need"), target_fixture="answer")
def resolves(api: Api, need: dict[str, Any], username: str) -> Answer:
    api.sign_in(username)
    return api.post(username, f"/needs/{need['id']}/resolve", {"outcome": "helped"})


@when(parsers.re(USER + r" reads the block's needs"), target_fixture="answer")
def reads_needs(api: Api, username: str) -> Answer:
    api.sign_in(username)
    return api.get(username, "/needs")


@given(
    "the household of the need has gone into hospital, so a visit falls due",
    target_fixture="duty",
)
def visit_falls_due(api: Api, need: dict[str, Any]) -> dict[str, Any]:
    path = f"/households/{need['household']['id']}/life-events"
    household = succeeded(api.post("leader3", path, {"type": "hospitalised"}))
    return dict(household["duties"][0])


@given(parsers.re(USER + r" has asked " + QUOTED.format("name") + r" to do the visit"))
def has_asked_duty(
    api: Api, group: dict[str, Any], duty: dict[str, Any], username: str, name: str
) -> None:
    (member,) = [m for m in group["members"] if m["name"] == name]
    body = {"member_id": member["id"]}
    succeeded(api.post(username, f"/duties/{duty['id']}/volunteer", body))


@then("they find the visit, and nothing else")
def finds_the_visit(answer: Answer, duty: dict[str, Any]) -> None:
    found = succeeded(answer)
    assert found["needs"] == []
    assert [d["id"] for d in found["duties"]] == [duty["id"]]


@when(
    parsers.re(USER + r" has done the visit, noting " + QUOTED.format("notes")),
    target_fixture="answer",
)
def does_visit(api: Api, duty: dict[str, Any], username: str, notes: str) -> Answer:
    return api.post(username, f"/duties/{duty['id']}/discharge", {"notes": notes})


@then(parsers.re(r"the visit is done by (?P<volunteer>\w+)"))
def visit_done(answer: Answer, volunteer: str) -> None:
    done = succeeded(answer)
    assert (done["status"], done["discharged_by"]) == ("discharged", volunteer)


@then(
    parsers.re(
        r"the compliance board counts (?P<count>\d+) visits? done by block (?P<block>B\d+)'s "
        r"volunteers"
    )
)
def board_counts(api: Api, count: str, block: str) -> None:
    api.sign_in("secretary")
    rows = succeeded(api.get("secretary", "/compliance"))["items"]
    (row,) = [r for r in rows if r["block"] == block]
    assert (row["by_volunteers"], row["by_leader"]) == (int(count), 0)
