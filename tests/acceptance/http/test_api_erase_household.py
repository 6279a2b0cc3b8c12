"""Steps of 'Erase a household's personal data' (features/secretary/erase_household.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import QUOTED, USER, Answer, Api, succeeded

scenarios("secretary/erase_household.feature")

# The event fields that hold what someone wrote about the resident.
WRITTEN = ("resident_name", "contact_phone", "description", "note", "override_reason", "text")


def _erasure_path(need: dict[str, Any]) -> str:
    return f"/households/{need['household']['id']}/erasure"


@when(parsers.re(USER + r" erases the need's household"), target_fixture="answer")
def erases(api: Api, need: dict[str, Any], username: str) -> Answer:
    return api.post(username, _erasure_path(need), {})


@given(parsers.re(USER + r" has erased the need's household"))
def has_erased(api: Api, need: dict[str, Any], username: str) -> None:
    succeeded(api.post(username, _erasure_path(need), {}))


@when(parsers.re(USER + r" adds a note: " + QUOTED.format("text")), target_fixture="answer")
def adds_note(api: Api, need: dict[str, Any], username: str, text: str) -> Answer:
    return api.post(username, f"/needs/{need['id']}/notes", {"text": text})


@then(parsers.parse("the erasure names the household and its {count:d} case"))
def erasure_names(api: Api, answer: Answer, need: dict[str, Any], count: int) -> None:
    body = succeeded(answer)
    assert body["household_id"] == need["household"]["id"]
    assert body["needs"] == [need["id"]][:count]
    answer.body = api.get("secretary", f"/needs/{need['id']}").body
    answer.headers = {"ETag": f'"{answer.body["version"]}"'}


@then(parsers.re(r"every written word in the history reads " + QUOTED.format("text")))
def every_word_reads(answer: Answer, text: str) -> None:
    written = [
        value
        for event in succeeded(answer)["events"]
        for key, value in event["data"].items()
        if key in WRITTEN
    ]
    assert written
    assert set(written) == {text}


@then(parsers.re(USER + r" finds the case's chain intact"))
def chain_intact(api: Api, need: dict[str, Any], username: str) -> None:
    status = succeeded(api.get(username, f"/needs/{need['id']}/verification"))
    assert status["intact"] is True, status


@then(
    parsers.re(
        r"the case as it was at version (?P<version>\d+) reads "
        + QUOTED.format("text")
        + r" for the resident"
    )
)
def past_state_reads(api: Api, need: dict[str, Any], version: str, text: str) -> None:
    then = succeeded(api.get("auditor", f"/needs/{need['id']}", version=version))
    assert (then["version"], then["resident_name"]) == (int(version), text)
