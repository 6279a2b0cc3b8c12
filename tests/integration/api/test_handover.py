"""Handovers that move the caseload, through the API (SQLite and PostgreSQL): a block's open
needs are assigned to the new leader (one Assigned each, by the secretary, reason "handover"),
its open duties follow the block, a dry run changes nothing, a second run moves nothing more,
and a handover to someone who is not a leader, or of a block to its own leader, is a 422."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import PASSWORD


def hand_over(client, as_user, user: str = "secretary", **body: Any) -> Any:
    return client.post("/api/v1/handovers", json=body, headers=as_user(user))


def assigned_events(client, as_user, need_id: str) -> list[dict[str, Any]]:
    history = client.get(f"/api/v1/needs/{need_id}/history", headers=as_user("secretary")).json
    return [e for e in history["events"] if e["type"] == "Assigned"]


def test_a_dry_run_lists_the_open_needs_and_duties_that_would_move_and_changes_nothing(
    client, as_user, log_need, need
):
    client.post(
        f"/api/v1/households/{need['household']['id']}/life-events",
        json={"type": "hospitalised"},
        headers=as_user("leader3"),
    )
    answer = hand_over(client, as_user, block="B3", to_leader="leader5", dry_run=True)
    assert answer.status_code == 200, answer.json
    assert answer.json["dry_run"] is True
    assert [n["need_id"] for n in answer.json["needs"]] == [need["id"]]
    assert [d["reason"] for d in answer.json["duties"]] == ["hospitalised"]
    assert assigned_events(client, as_user, need["id"]) == []
    leader5 = client.get("/api/v1/needs?block=B3", headers=as_user("leader5"))
    assert leader5.status_code == 403


def test_handing_a_block_over_assigns_each_open_need_once_and_the_new_leader_sees_them(
    client, as_user, log_need, need
):
    closed = log_need(category="hardship").json
    client.post(
        f"/api/v1/needs/{closed['id']}/resolve",
        json={"outcome": "helped"},
        headers=as_user("leader3"),
    )
    first = hand_over(client, as_user, block="B3", to_leader="leader5")
    assert first.status_code == 200, first.json
    assert [n["need_id"] for n in first.json["needs"]] == [need["id"]]
    assert first.json["still_leading"] == ["leader3"]
    again = hand_over(client, as_user, block="B3", to_leader="leader5")
    assert (again.status_code, again.json["needs"]) == (200, [])
    events = assigned_events(client, as_user, need["id"])
    assert [(e["actor"], e["data"]["assignee"], e["data"]["reason"]) for e in events] == [
        ("secretary", "leader5", "handover")
    ]
    assert assigned_events(client, as_user, closed["id"]) == []
    # A new scope ends the old tokens: leader5 signs in again and finds block B3's cases.
    token = client.post("/api/v1/auth/tokens", json={"username": "leader5", "password": PASSWORD})
    mine = client.get(
        "/api/v1/needs?block=B3", headers={"Authorization": f"Bearer {token.json['token']}"}
    )
    assert mine.status_code == 200, mine.json
    found = [(n["id"], n["assignee"]) for n in mine.json["items"] if n["status"] != "resolved"]
    assert found == [(need["id"], "leader5")]


def test_some_needs_are_reassigned_in_bulk_and_only_by_the_secretary(
    client, as_user, log_need, need
):
    other = log_need(category="hardship").json
    answer = hand_over(client, as_user, need_ids=[need["id"], other["id"]], to_leader="leader5")
    assert answer.status_code == 200, answer.json
    assert {n["need_id"] for n in answer.json["needs"]} == {need["id"], other["id"]}
    by_leader = hand_over(client, as_user, "leader3", need_ids=[need["id"]], to_leader="leader3")
    assert by_leader.status_code == 403


def test_a_handover_to_someone_who_is_not_a_leader_or_of_a_block_to_its_own_leader_is_a_422(
    client, as_user, need
):
    for body in (
        {"block": "B3", "to_leader": "auditor"},
        {"block": "B3", "to_leader": "nobody"},
        {"block": "B3", "to_leader": "leader3", "from_leader": "leader3"},
        {"to_leader": "leader5"},
    ):
        refused = hand_over(client, as_user, **body)
        assert refused.status_code == 422, (body, refused.json)
    assert assigned_events(client, as_user, need["id"]) == []
