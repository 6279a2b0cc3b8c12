"""Steps of 'Follow-up visits after a need is resolved'
(features/block_leader/api_follow_up_visits.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.centre_steps import share_steps
from tests.acceptance.http.support import QUOTED, USER, Answer, Api, succeeded

scenarios("block_leader/api_follow_up_visits.feature")
share_steps(globals())


def due(api: Api, username: str) -> list[str]:
    return [item["need_id"] for item in succeeded(api.get(username, "/follow-ups"))["items"]]


@then(parsers.re(USER + r" has no follow-up due"))
def no_follow_up_due(api: Api, username: str) -> None:
    assert due(api, username) == []


@then(parsers.re(USER + r" has a follow-up due for the need"))
def follow_up_due(api: Api, need: dict[str, Any], username: str) -> None:
    assert due(api, username) == [need["id"]]


@when(
    parsers.re(
        USER
        + r" records the follow-up verdict (?P<verdict>\w+), noting "
        + QUOTED.format("note")
        + r"(?P<reopen>, and reopens the need)?$"
    ),
    target_fixture="answer",
)
def records_follow_up(
    api: Api, need: dict[str, Any], username: str, verdict: str, note: str, reopen: str | None
) -> Answer:
    body = {"verdict": verdict, "note": note, "reopen": bool(reopen)}
    return api.post(username, f"/needs/{need['id']}/follow-up", body)


@given(parsers.re(USER + r" has recorded the follow-up verdict (?P<verdict>\w+) on it"))
def has_followed_up(api: Api, need: dict[str, Any], username: str, verdict: str) -> None:
    succeeded(api.post(username, f"/needs/{need['id']}/follow-up", {"verdict": verdict}))


@given(parsers.re(USER + r" has reopened the need because " + QUOTED.format("reason")))
def has_reopened(api: Api, need: dict[str, Any], username: str, reason: str) -> None:
    succeeded(api.post(username, f"/needs/{need['id']}/reopen", {"reason": reason}))


@then(parsers.re(r"the need's follow-up reads (?P<verdict>\w+) by " + USER))
def follow_up_reads(api: Api, need: dict[str, Any], verdict: str, username: str) -> None:
    found = succeeded(api.get(username, f"/needs/{need['id']}"))["follow_up"]
    assert (found["verdict"], found["by"]) == (verdict, username)


@when(parsers.re(USER + r" looks at the follow-up board"), target_fixture="answer")
def looks_at_board(api: Api, username: str) -> Answer:
    api.sign_in(username)
    return api.get(username, "/follow-ups/board")


@then(
    parsers.re(
        r"block (?P<block>B\d+) shows (?P<resolved>\d+) resolved, (?P<followed>\d+) followed up, "
        r"(?P<helped>\d+) confirmed helped"
    )
)
def board_shows(answer: Answer, block: str, resolved: str, followed: str, helped: str) -> None:
    (row,) = [r for r in succeeded(answer)["blocks"] if r["block"] == block]
    found = (row["resolved"], row["followed_up"], row["confirmed_helped"])
    assert found == (int(resolved), int(followed), int(helped))
