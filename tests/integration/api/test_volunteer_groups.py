"""Volunteer groups (志愿者组团) through the API (SQLite and PostgreSQL): a block leader forms
their block's group and adds volunteers with phone, skills and availability; another block's
leader does not find it, partners see no group, the volunteers' data is sealed at rest and every
read of it is noted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.at_rest import postgres_contents


def stored_bytes(database_url: str) -> bytes:
    """Every byte the store holds: the SQLite files (and their WAL), or PostgreSQL's rows."""
    if database_url.startswith("sqlite:///"):
        folder = Path(database_url.removeprefix("sqlite:///")).parent
        return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    return postgres_contents(database_url)[1]


@pytest.fixture
def group(client, as_user) -> dict[str, Any]:
    body = {"block": "B3", "name": "三块志愿者组团", "leader": "张阿姨"}
    answer = client.post("/api/v1/volunteer-groups", json=body, headers=as_user("leader3"))
    assert answer.status_code == 201, answer.json
    assert answer.headers["Location"] == f"/api/v1/volunteer-groups/{answer.json['id']}"
    return dict(answer.json)


def test_a_leader_forms_the_group_and_adds_volunteers(client, as_user, group):
    body = {
        "name": "李志强",
        "contact_phone": "138 0000 1111",
        "skills": ["陪同就医", "修理"],
        "availability": "周末上午",
    }
    path = f"/api/v1/volunteer-groups/{group['id']}/members"
    answer = client.post(path, json=body, headers=as_user("leader3"))
    assert answer.status_code == 200, answer.json
    (member,) = answer.json["members"]
    assert (member["name"], member["contact_phone"], member["skills"]) == (
        "李志强",
        "138 0000 1111",
        ["陪同就医", "修理"],
    )
    listed = client.get("/api/v1/volunteer-groups", headers=as_user("secretary")).json["items"]
    assert [g["id"] for g in listed] == [group["id"]]


def test_the_group_is_scoped_to_its_block_and_partners_see_none(client, as_user, group):
    path = f"/api/v1/volunteer-groups/{group['id']}"
    assert client.get(path, headers=as_user("leader5")).status_code == 404
    assert client.get(path, headers=as_user("auditor")).status_code == 200
    assert client.get(path, headers=as_user("hospital")).status_code == 403
    assert client.get("/api/v1/volunteer-groups", headers=as_user("leader5")).json["items"] == []
    other = {"block": "B5", "name": "五块", "leader": "王"}
    refused = client.post("/api/v1/volunteer-groups", json=other, headers=as_user("leader3"))
    assert refused.status_code == 403


def test_the_volunteers_names_and_phones_are_not_stored_in_the_clear(
    client, as_user, group, database_url
):
    path = f"/api/v1/volunteer-groups/{group['id']}/members"
    body = {"name": "独一无二志愿者", "contact_phone": "13912399999"}
    assert client.post(path, json=body, headers=as_user("leader3")).status_code == 200
    stored = stored_bytes(database_url)
    assert "独一无二志愿者".encode() not in stored
    assert b"13912399999" not in stored


def add_member(client, as_user, group: dict[str, Any], name: str = "李志强") -> dict[str, Any]:
    path = f"/api/v1/volunteer-groups/{group['id']}/members"
    answer = client.post(path, json={"name": name}, headers=as_user("leader3"))
    assert answer.status_code == 200, answer.json
    return dict(answer.json["members"][-1])


def test_a_volunteer_of_the_blocks_group_is_asked_to_help_and_the_leader_still_owns_it(
    client, as_user, group, need
):
    member = add_member(client, as_user, group)
    path = f"/api/v1/needs/{need['id']}/volunteer"
    answer = client.post(path, json={"member_id": member["id"]}, headers=as_user("leader3"))
    assert answer.status_code == 200, answer.json
    assert answer.json["volunteer"] == {"group_id": group["id"], "member_id": member["id"]}
    assert answer.json["assignee"] == need["assignee"]


def test_a_volunteer_of_another_blocks_group_or_a_resolved_need_is_refused(
    client, as_user, group, need
):
    other = {"block": "B5", "name": "五块组团", "leader": "王"}
    b5 = client.post("/api/v1/volunteer-groups", json=other, headers=as_user("leader5")).json
    stranger = client.post(
        f"/api/v1/volunteer-groups/{b5['id']}/members",
        json={"name": "外块"},
        headers=as_user("leader5"),
    ).json["members"][0]
    path = f"/api/v1/needs/{need['id']}/volunteer"
    refused = client.post(path, json={"member_id": stranger["id"]}, headers=as_user("leader3"))
    assert refused.status_code == 422
    assert "member_id" in refused.json["errors"]["json"]
    client.post(
        f"/api/v1/needs/{need['id']}/resolve",
        json={"outcome": "helped"},
        headers=as_user("leader3"),
    )
    member = add_member(client, as_user, group)
    closed = client.post(path, json={"member_id": member["id"]}, headers=as_user("leader3"))
    assert closed.status_code == 409
