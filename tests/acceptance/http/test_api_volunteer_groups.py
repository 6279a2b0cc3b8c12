"""Steps of 'Volunteer groups, one per block'
(features/block_leader/api_volunteer_groups.feature)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import QUOTED, USER, Answer, Api, succeeded

scenarios("block_leader/api_volunteer_groups.feature")
FORMS = (
    r" the volunteer group "
    + QUOTED.format("name")
    + r" of block (?P<block>B\d+), led by "
    + QUOTED.format("leader")
)


@pytest.fixture
def group() -> dict[str, Any]:
    return {}


def form(api: Api, username: str, name: str, block: str, leader: str) -> Answer:
    api.sign_in(username)
    return api.post(username, "/volunteer-groups", {"block": block, "name": name, "leader": leader})


@when(parsers.re(USER + r" forms" + FORMS), target_fixture="answer")
def forms_group(
    api: Api, group: dict[str, Any], username: str, name: str, block: str, leader: str
) -> Answer:
    answer = form(api, username, name, block, leader)
    if answer.status == 201:
        group.update(answer.body)
    return answer


@given(parsers.re(USER + r" has formed" + FORMS))
def has_formed(
    api: Api, group: dict[str, Any], username: str, name: str, block: str, leader: str
) -> None:
    group.update(succeeded(form(api, username, name, block, leader), 201))


@when(
    parsers.re(
        USER
        + r" adds the volunteer "
        + QUOTED.format("name")
        + r", phone "
        + QUOTED.format("phone")
        + r", who can "
        + QUOTED.format("skill")
    ),
    target_fixture="answer",
)
def adds_volunteer(
    api: Api, group: dict[str, Any], username: str, name: str, phone: str, skill: str
) -> Answer:
    body = {"name": name, "contact_phone": phone, "skills": [skill]}
    return api.post(username, f"/volunteer-groups/{group['id']}/members", body)


@when(parsers.re(USER + r" reads the group"), target_fixture="answer")
def reads_group(api: Api, group: dict[str, Any], username: str) -> Answer:
    api.sign_in(username)
    return api.get(username, f"/volunteer-groups/{group['id']}")


@then(
    parsers.re(
        USER
        + r" finds the group of block (?P<block>B\d+) with the volunteer "
        + QUOTED.format("name")
    )
)
def finds_group(api: Api, username: str, block: str, name: str) -> None:
    api.sign_in(username)
    groups = succeeded(api.get(username, "/volunteer-groups", block=block))["items"]
    assert [[m["name"] for m in g["members"]] for g in groups] == [[name]]


@given(parsers.re(USER + r" has added the volunteer " + QUOTED.format("name") + r" to the group"))
def has_added(api: Api, group: dict[str, Any], username: str, name: str) -> None:
    path = f"/volunteer-groups/{group['id']}/members"
    group.update(succeeded(api.post(username, path, {"name": name})))


@when(
    parsers.re(USER + r" asks the volunteer " + QUOTED.format("name") + r" to help with the need"),
    target_fixture="answer",
)
def asks_volunteer(
    api: Api, group: dict[str, Any], need: dict[str, Any], username: str, name: str
) -> Answer:
    (member,) = [m for m in group["members"] if m["name"] == name]
    return api.post(username, f"/needs/{need['id']}/volunteer", {"member_id": member["id"]})


@then(
    parsers.re(
        r"the need names the volunteer "
        + QUOTED.format("name")
        + r" of the group, and "
        + USER
        + r" still answers for it"
    )
)
def names_volunteer(answer: Answer, group: dict[str, Any], name: str, username: str) -> None:
    found = succeeded(answer)
    (member,) = [m for m in group["members"] if m["name"] == name]
    assert found["volunteer"] == {"group_id": group["id"], "member_id": member["id"]}
    assert found["assignee"] in (None, username)
    assert found["logged_by"] == username
