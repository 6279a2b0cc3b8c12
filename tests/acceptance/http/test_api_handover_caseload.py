"""Steps of 'A handover that moves the caseload'
(features/secretary/api_handover_caseload.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, scenarios, then, when

from tests.acceptance.http.support import QUOTED, USER, Answer, Api, succeeded

scenarios("secretary/api_handover_caseload.feature")


@when(
    parsers.re(
        USER + r" hands block (?P<block>B\d+) to (?P<to>\w+)"
        r"(?: from (?P<source>\w+))?(?P<dry> as a dry run)?$"
    ),
    target_fixture="answer",
)
def hands_block(
    api: Api, username: str, block: str, to: str, source: str | None, dry: str | None
) -> Answer:
    api.sign_in(username)
    body: dict[str, Any] = {"block": block, "to_leader": to, "dry_run": bool(dry)}
    if source:
        body["from_leader"] = source
    return api.post(username, "/handovers", body)


@when(parsers.re(USER + r" reassigns the need to (?P<to>\w+)"), target_fixture="answer")
def reassigns(api: Api, need: dict[str, Any], username: str, to: str) -> Answer:
    api.sign_in(username)
    return api.post(username, "/handovers", {"need_ids": [need["id"]], "to_leader": to})


@then("the handover lists the need")
def lists_need(answer: Answer, need: dict[str, Any]) -> None:
    assert [n["need_id"] for n in succeeded(answer)["needs"]] == [need["id"]]


@then("the handover lists no need")
def lists_nothing(answer: Answer) -> None:
    assert succeeded(answer)["needs"] == []


def assigned(api: Api, need: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    api.sign_in("secretary")
    events = succeeded(api.get("secretary", f"/needs/{need['id']}/history"))["events"]
    return [
        (e["actor"], e["data"]["assignee"], e["data"]["reason"])
        for e in events
        if e["type"] == "Assigned"
    ]


@then("the need has no Assigned event")
def no_assigned(api: Api, need: dict[str, Any]) -> None:
    assert assigned(api, need) == []


@then(
    parsers.re(
        r"the need was assigned to (?P<to>\w+) by " + USER + r" for " + QUOTED.format("reason")
    )
)
def was_assigned(api: Api, need: dict[str, Any], to: str, username: str, reason: str) -> None:
    assert assigned(api, need) == [(username, to, reason)]


@then(parsers.re(USER + r" sees the need in block (?P<block>B\d+)"))
def sees_need(api: Api, need: dict[str, Any], username: str, block: str) -> None:
    api.sign_in(username)  # a new scope ended the old token
    listed = succeeded(api.get(username, "/needs", block=block))["items"]
    assert need["id"] in [n["id"] for n in listed]
