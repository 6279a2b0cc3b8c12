"""Steps of features/project_team/api_who_may_do_what.feature: a project's team members, the
property company's staff and the auditor, each calling the projects API."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.community import DEMO_COMMUNITY
from tests.acceptance.http.support import USER, Answer, Api, succeeded
from tests.integration.conftest import PASSWORD
from web import services

scenarios("project_team/api_who_may_do_what.feature")


@pytest.fixture
def project() -> dict[str, Any]:
    """The scenario's project as last read, and its households by floor."""
    return {}


def start(api: Api, building: int, floors: int) -> dict[str, Any]:
    [template] = succeeded(api.get("auditor", "/project-templates"))
    body = {
        "block": "B3",
        "building": building,
        "title": f"{building}号楼加装电梯",
        "template_id": template["id"],
        "households": [{"floor": f, "label": f"1单元{f}01"} for f in range(1, floors + 1)],
    }
    return dict(succeeded(api.post("leader3", "/projects", body), 201))


def home(project: dict[str, Any], floor: int) -> str:
    return str(next(h["household_id"] for h in project["households"] if h["floor"] == floor))


@given(
    parsers.re(
        r"building (?P<building>\d+) in block B3 has started a lift retrofit with "
        r"(?P<count>\d+) households, one a floor"
    )
)
def started(api: Api, project: dict[str, Any], building: str, count: str) -> None:
    project.update(start(api, int(building), int(count)))


@given(
    parsers.re(
        r"the household on floor (?P<floor>\d+) is its (?P<role>treasurer|field officer), "
        r"signing in as " + USER
    )
)
def member(
    app: Flask, api: Api, project: dict[str, Any], floor: str, role: str, username: str
) -> None:
    with app.app_context():  # accounts are made by the service's operators, not the API
        services().accounts.register_user(
            community=DEMO_COMMUNITY.id,
            username=username,
            role="project_member",
            password=PASSWORD,
            actor="setup",
        )
    body = {
        "role": role.replace(" ", "_"),
        "name": f"{floor}楼住户",
        "household_id": home(project, int(floor)),
        "account": username,
    }
    project.update(succeeded(api.post("leader3", f"/projects/{project['id']}/team", body)))


def on(project: dict[str, Any], path: str) -> str:
    return f"/projects/{project['id']}/{path}"


@when(parsers.re(USER + r" records that the household on floor (?P<floor>\d+) says yes"))
def says_yes(api: Api, project: dict[str, Any], username: str, floor: str) -> None:
    body = {"household_id": home(project, int(floor)), "answer": "yes", "on_paper": True}
    succeeded(api.post(username, on(project, "consents"), body))


@when(parsers.re(USER + r" records a residents meeting held on (?P<day>\S+)"))
def meeting(api: Api, project: dict[str, Any], username: str, day: str) -> None:
    succeeded(api.post(username, on(project, "meetings"), {"kind": "residents", "held_on": day}))


@when(parsers.re(USER + r" records a stamp for step (?P<step>\S+)"))
def stamp(api: Api, project: dict[str, Any], username: str, step: str) -> None:
    succeeded(api.post(username, on(project, f"steps/{step}/stamps"), {"on": "2026-11-29"}))


@then(
    parsers.re(
        r"the project counts (?P<yes>\d+) yes, (?P<meetings>\d+) meeting and (?P<stamps>\d+) "
        r"stamp, each recorded by " + USER
    )
)
def counts(
    api: Api, project: dict[str, Any], yes: str, meetings: str, stamps: str, username: str
) -> None:
    shown = succeeded(api.get("auditor", f"/projects/{project['id']}"))
    assert shown["consents"][0]["yes"] == int(yes)
    assert shown["meetings"]["count"] == int(meetings)
    assert shown["progress"]["stamps"] == int(stamps)
    events = succeeded(api.get("auditor", f"/projects/{project['id']}/history"))["events"]
    recorded = [
        e for e in events if e["type"] in ("ConsentRecorded", "MeetingHeld", "StampObtained")
    ]
    assert [e["actor"] for e in recorded] == [username] * 3
    assert recorded[0]["data"]["collected_by"] == username


@when(
    parsers.re(
        USER + r" records a payment of (?P<fen>\d+) fen from the household on floor (?P<floor>\d+)"
    ),
    target_fixture="answer",
)
def payment(api: Api, project: dict[str, Any], username: str, fen: str, floor: str) -> Answer:
    body = {
        "kind": "payment",
        "amount_fen": int(fen),
        "household_id": home(project, int(floor)),
        "on": "2026-11-29",
    }
    return api.post(username, on(project, "ledger"), body)


@then(parsers.re(r"the project's ledger shows (?P<fen>\d+) fen paid"))
def paid(api: Api, project: dict[str, Any], fen: str) -> None:
    assert succeeded(api.get("auditor", f"/projects/{project['id']}"))["ledger"]["paid"] == int(fen)


@when(parsers.re(USER + r" moves the project to (?P<phase>\w+)"), target_fixture="answer")
def moves(api: Api, project: dict[str, Any], username: str, phase: str) -> Answer:
    return api.post(username, on(project, "phase"), {"phase": phase})


@when(
    parsers.re(USER + r" reads building (?P<building>\d+)'s project in the same block"),
    target_fixture="answer",
)
def reads_other(api: Api, username: str, building: str) -> Answer:
    other = start(api, int(building), 2)
    return api.get(username, f"/projects/{other['id']}")


@when(parsers.re(USER + r" reads the project$"), target_fixture="answer")
def reads(api: Api, project: dict[str, Any], username: str) -> Answer:
    return api.get(username, f"/projects/{project['id']}")


@then(parsers.re(r"it shows (?P<count>\d+) households, with no names or rooms"))
def without_names(answer: Answer, count: str) -> None:
    shown = succeeded(answer)
    assert len(shown["households"]) == int(count)
    assert {(h["label"], h["name"]) for h in shown["households"]} == {(None, None)}
    assert {m["name"] for m in shown["team"]} == {None}


@when(parsers.re(USER + r" reads the project's history"), target_fixture="answer")
def reads_history(api: Api, project: dict[str, Any], username: str) -> Answer:
    return api.get(username, f"/projects/{project['id']}/history")


@then(parsers.re(r"it begins with the project started by " + USER))
def begins(answer: Answer, username: str) -> None:
    first = succeeded(answer)["events"][0]
    assert (first["type"], first["actor"]) == ("Started", username)
