"""Steps of 'Replay a case's history' (features/auditor/api_replay_a_case.feature)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from kernel.clock import SHANGHAI, ManualClock
from tests.acceptance.http.support import (
    PARTNER,
    QUOTED,
    USER,
    Answer,
    Api,
    iso,
    record_of,
    succeeded,
)

scenarios("auditor/api_replay_a_case.feature")


@given(
    parsers.re(
        USER + r" has recorded a visit made at (?P<time>\d\d:\d\d), "
        r"sent from a phone that had no signal: " + QUOTED.format("notes")
    )
)
def visit_sent_later(
    api: Api, clock: ManualClock, need: dict[str, Any], username: str, time: str, notes: str
) -> None:
    visited_at = iso(f"{clock.now().astimezone(SHANGHAI):%Y-%m-%d} {time}")
    body = {"visited_at": visited_at, "notes": notes}
    visits = succeeded(api.post(username, f"/needs/{need['id']}/visits", body))["visits"]
    assert (visits[-1]["occurred_at"], visits[-1]["visitor"]) == (visited_at, username)


@given(
    parsers.re(
        USER + r" has changed the urgency to (?P<urgency>\w+), because " + QUOTED.format("reason")
    )
)
def urgency_changed(
    api: Api, need: dict[str, Any], username: str, urgency: str, reason: str
) -> None:
    body = {"urgency": urgency, "reason": reason}
    assert succeeded(api.post(username, f"/needs/{need['id']}/urgency", body))["urgency"] == urgency


@when(
    parsers.re(USER + r" reads the need as it was at version (?P<version>\d+)"),
    target_fixture="answer",
)
def reads_version(api: Api, need: dict[str, Any], username: str, version: str) -> Answer:
    return api.get(username, f"/needs/{need['id']}", version=version)


@when(
    parsers.re(USER + r" reads the need as of (?P<moment>.+), Shanghai time"),
    target_fixture="answer",
)
def reads_as_of(api: Api, need: dict[str, Any], username: str, moment: str) -> Answer:
    return api.get(username, f"/needs/{need['id']}", as_of=iso(moment))


@when(parsers.re(USER + r" adds a note: " + QUOTED.format("text")), target_fixture="answer")
def adds_note(api: Api, need: dict[str, Any], username: str, text: str) -> Answer:
    return api.post(username, f"/needs/{need['id']}/notes", {"text": text})


@then(
    parsers.re(
        r"the need is now (?P<urgency>low|normal|high|critical), at version (?P<version>\d+)"
    )
)
def need_now(api: Api, need: dict[str, Any], urgency: str, version: str) -> None:
    found = record_of(api.get(need["logged_by"], f"/needs/{need['id']}"))
    assert (found["urgency"], found["version"]) == (urgency, int(version))


@then("the need has no notes")
def no_notes(api: Api, need: dict[str, Any]) -> None:
    found = succeeded(api.get(need["logged_by"], f"/needs/{need['id']}"))
    assert found["notes"] == []
    history = succeeded(api.get(need["logged_by"], f"/needs/{need['id']}/history"))["events"]
    assert len(history) == found["version"]


@then(
    parsers.re(
        r"the referral's event says " + PARTNER + r" must answer by (?P<deadline>.+), Shanghai time"
    )
)
def deadline_in_history(answer: Answer, partner: str, deadline: str) -> None:
    (referred,) = [e for e in succeeded(answer)["events"] if e["type"] == "Referred"]
    assert referred["data"]["partner_name"] == partner
    assert referred["data"]["respond_by"] == iso(deadline)
