"""Steps of 'Erase a household's personal data' (features/secretary/erase_household.feature)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.erasure_copies import *  # noqa: F403 - the steps pytest-bdd finds
from tests.acceptance.http.erasure_copies import erasure_path as _erasure_path
from tests.acceptance.http.support import QUOTED, USER, Answer, Api, succeeded

scenarios("secretary/erase_household.feature")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """An erasure held up by a reader gives up after a second (not the default ten)."""
    return {**app_config, "ERASURE_PURGE_SECONDS": "1"}


# The event fields that hold what someone wrote about the resident.
WRITTEN = ("resident_name", "contact_phone", "description", "note", "override_reason", "text")


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


# --- the three fives about the same household --------------------------------------------


def _household_path(need: dict[str, Any]) -> str:
    return f"/households/{need['household']['id']}"


@given(
    parsers.re(
        USER
        + r" has placed (?P<member>\S+) of the need's household in the group "
        + QUOTED.format("group")
    )
)
def has_placed(api: Api, need: dict[str, Any], username: str, member: str, group: str) -> None:
    body = {"member": member, "group": group}
    succeeded(api.post(username, f"{_household_path(need)}/groups", body))


@given(
    parsers.re(
        USER
        + r" has recorded that someone of the need's household was hospitalised, noting "
        + QUOTED.format("note")
    )
)
def has_recorded_hospitalisation(api: Api, need: dict[str, Any], username: str, note: str) -> None:
    body = {"type": "hospitalised", "note": note}
    answer = api.post(username, f"{_household_path(need)}/life-events", body)
    assert answer.status in (200, 201), str(answer)


@given(
    parsers.re(
        USER + r" has recorded a concern about the need's household: " + QUOTED.format("text")
    ),
    target_fixture="record",
)
def has_recorded_concern(api: Api, need: dict[str, Any], username: str, text: str) -> Any:
    body = {"kind": "concern", "block": need["block"], "household_id": need["household"]["id"]}
    return succeeded(api.post(username, "/records", {**body, "text": text}), 201)


@then(
    parsers.parse("the erasure names the household, its {cases:d} case and its {records:d} record")
)
def erasure_names_both(
    answer: Answer, need: dict[str, Any], record: dict[str, Any], cases: int, records: int
) -> None:
    body = succeeded(answer)
    assert body["household_id"] == need["household"]["id"]
    assert (len(body["needs"]), body["records"]) == (cases, [record["id"]][:records])


@then(
    parsers.re(
        r"the household reads " + QUOTED.format("text") + r" for its unit, room, members and notes"
    )
)
def household_reads(api: Api, need: dict[str, Any], text: str) -> None:
    home = succeeded(api.get("secretary", _household_path(need)))
    written = [home["unit"], home["room"], *(m["name"] for m in home["members"])]
    written += [e["note"] for e in home["life_events"]]
    assert set(written) == {text}
    assert (home["block"], home["building"]) == (need["block"], need["household"]["building"])


@then(
    parsers.re(
        r"the concern reads " + QUOTED.format("text") + r" and is still a concern in (?P<block>B\d)"
    )
)
def concern_reads(api: Api, record: dict[str, Any], text: str, block: str) -> None:
    shown = succeeded(api.get("secretary", f"/records/{record['id']}"))
    assert (shown["text"], shown["kind"], shown["block"]) == (text, "concern", block)


@then(parsers.parse("the household still owes its {count:d} duty, listed in {block}"))
def duty_still_owed(api: Api, need: dict[str, Any], count: int, block: str) -> None:
    home = succeeded(api.get("secretary", _household_path(need)))
    listed = succeeded(api.get("secretary", "/duties", block=block, due="all"))["items"]
    assert [d["id"] for d in listed] == [d["id"] for d in home["duties"]][:count]
    assert [(d["reason"], d["block"]) for d in listed] == [("hospitalised", block)]


@when(
    parsers.re(
        USER
        + r" places (?P<member>\S+) of the need's household in the group "
        + QUOTED.format("group")
    ),
    target_fixture="answer",
)
def places(api: Api, need: dict[str, Any], username: str, member: str, group: str) -> Answer:
    return api.post(username, f"{_household_path(need)}/groups", {"member": member, "group": group})
