"""Steps of 'A warning before logging the same need twice'
(features/block_leader/api_possible_duplicate.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, scenarios, then, when

from tests.acceptance.http.conftest import log
from tests.acceptance.http.support import DESCRIPTIONS, USER, Answer, Api, succeeded

scenarios("block_leader/api_possible_duplicate.feature")


@when(
    parsers.re(
        USER + r" logs an? (?P<urgency>low|normal|high|critical) (?P<category>[a-z_]+) need at "
        r"(?P<building>[^\s,]+), unit (?P<unit>\S+), room (?P<room>[^\s,]+)"
        r"(?P<own>, saying it is a need of its own)?$"
    ),
    target_fixture="answer",
)
def logs_need(
    api: Api,
    username: str,
    urgency: str,
    category: str,
    building: str,
    unit: str,
    room: str,
    own: str | None,
) -> Answer:
    api.sign_in(username)
    fields: dict[str, Any] = {
        "category": category,
        "urgency": urgency,
        "building": building,
        "unit": unit,
        "room": room,
        "description": DESCRIPTIONS[category],
    }
    if own:
        fields["duplicate_ok"] = True
    return log(api, username, "B3", fields)


@then("the refusal names the open need as a possible duplicate")
def names_open_need(answer: Answer, need: dict[str, Any]) -> None:
    assert answer.body["reason"] == "possible_duplicate", str(answer)
    assert answer.body["existing_need_id"] == need["id"], str(answer)


@then("the new need was logged beside the open one, confirmed")
def logged_beside(answer: Answer, need: dict[str, Any]) -> None:
    logged = succeeded(answer, 201)
    assert (logged["duplicate_of"], logged["duplicate_flagged"]) == (need["id"], False)


@then("the new need was logged with no duplicate")
def logged_alone(answer: Answer) -> None:
    logged = succeeded(answer, 201)
    assert (logged["duplicate_of"], logged["duplicate_flagged"]) == (None, False)


@then(parsers.re(r"the new need's history holds a (?P<kind>\w+) by " + USER))
def history_holds(api: Api, answer: Answer, kind: str, username: str) -> None:
    path = f"/needs/{answer.body['id']}/history"
    events = succeeded(api.get(username, path))["events"]
    assert [e["actor"] for e in events if e["type"] == kind] == [username]
