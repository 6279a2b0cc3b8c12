"""Logging the same need twice for a household (SQLite and PostgreSQL): the API warns with a
409 naming the open need, logs it when told it is a need of its own (and keeps that on the
case), and a closed need or another category is no duplicate."""

from __future__ import annotations

from typing import Any


def test_a_second_open_need_in_the_same_category_is_a_409_naming_the_first(
    client, as_user, log_need, need
):
    again = log_need(description="又摔了一次")
    assert again.status_code == 409, again.json
    assert again.json["code"] == 409
    assert again.json["reason"] == "possible_duplicate"
    assert again.json["existing_need_id"] == need["id"]
    assert "add a note to it instead" in again.json["message"]
    listed = client.get("/api/v1/needs", headers=as_user("leader3")).json
    assert listed["total"] == 1


def test_duplicate_ok_logs_it_and_the_case_keeps_that_the_leader_knew(
    client, as_user, log_need, need
):
    again = log_need(description="又摔了一次", duplicate_ok=True)
    assert again.status_code == 201, again.json
    assert (again.json["duplicate_of"], again.json["duplicate_flagged"]) == (need["id"], False)
    history = client.get(
        f"/api/v1/needs/{again.json['id']}/history", headers=as_user("leader3")
    ).json["events"]
    noted = [e for e in history if e["type"] == "DuplicateNoted"]
    assert [(e["data"]["duplicate_of"], e["data"]["confirmed"]) for e in noted] == [
        (need["id"], True)
    ]


def test_another_category_or_a_resolved_need_is_no_duplicate(client, as_user, log_need, need):
    other: dict[str, Any] = log_need(category="hardship").json
    assert other["duplicate_of"] is None
    resolved = client.post(
        f"/api/v1/needs/{need['id']}/resolve",
        json={"outcome": "helped", "summary": ""},
        headers=as_user("leader3"),
    )
    assert resolved.status_code == 200, resolved.json
    assert log_need().status_code == 201
