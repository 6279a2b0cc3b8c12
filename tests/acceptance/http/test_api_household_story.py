"""Steps of 'A household's whole story' (features/block_leader/api_household_story.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.centre_steps import share_steps
from tests.acceptance.http.support import USER, Answer, Api, names, succeeded

scenarios("block_leader/api_household_story.feature")
share_steps(globals())


def household_of(need: dict[str, Any]) -> str:
    return str(need["household"]["id"])


@given(parsers.re(USER + r" has recorded the life event (?P<kind>\w+) for the need's household"))
def has_recorded_life_event(api: Api, need: dict[str, Any], username: str, kind: str) -> None:
    path = f"/households/{household_of(need)}/life-events"
    succeeded(api.post(username, path, {"type": kind, "note": "住院三天"}))


@when(parsers.re(USER + r" opens the need's household"), target_fixture="answer")
def opens_household(api: Api, need: dict[str, Any], username: str) -> Answer:
    api.sign_in(username)
    return api.get(username, f"/households/{household_of(need)}")


@when(parsers.re(USER + r" lists the needs of the need's household"), target_fixture="answer")
def lists_household_needs(api: Api, need: dict[str, Any], username: str) -> Answer:
    return api.get(username, "/needs", household_id=household_of(need))


@then("the household's needs read, newest first:")
def household_needs_read(answer: Answer, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    found = [[str(need[column] or "") for column in header] for need in succeeded(answer)["needs"]]
    assert found == rows


@then(parsers.re(r"the household's story reads, newest first: (?P<kinds>.+)"))
def story_reads(answer: Answer, kinds: str) -> None:
    assert [entry["kind"] for entry in succeeded(answer)["story"]] == names(kinds)


@then(parsers.re(r"who looked at the household shows " + USER))
def who_looked(api: Api, need: dict[str, Any], username: str) -> None:
    api.sign_in("secretary")
    reads = succeeded(api.get("secretary", f"/households/{household_of(need)}/reads"))["reads"]
    assert username in {r["username"] for r in reads}


@then(parsers.re(r"the needs listed are at: (?P<buildings>.+)"))
def needs_listed_at(answer: Answer, buildings: str) -> None:
    found = [str(n["household"]["building"]) for n in succeeded(answer)["items"]]
    assert found == names(buildings)
