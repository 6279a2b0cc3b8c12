"""Households, duties and records through the API (SQLite and PostgreSQL): codes, scopes, the
visit a hospitalisation calls for, the weekly ask, and a suggestion that becomes a need."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.integration.api.conftest import PASSWORD
from web import services
from web.tasks.duties import fall_due

HOUSEHOLD = {"block": "B3", "building": "15号楼", "unit": "2", "room": "502"}


@pytest.fixture
def household(client, as_user) -> dict[str, Any]:
    response = client.post("/api/v1/households", json=HOUSEHOLD, headers=as_user("leader3"))
    assert response.status_code == 201, response.json
    return dict(response.json)


def signed_in(client, user: str) -> dict[str, str]:
    """A fresh token: these tests move the clock past a token's life."""
    body = {"username": user, "password": PASSWORD}
    return {
        "Authorization": f"Bearer {client.post('/api/v1/auth/tokens', json=body).json['token']}"
    }


def post(client, as_user, path: str, body: dict[str, Any], user: str = "leader3") -> Any:
    return client.post(f"/api/v1{path}", json=body, headers=signed_in(client, user))


def duties(client, as_user, due: str, user: str = "leader3") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/duties?due={due}", headers=signed_in(client, user))
    assert response.status_code == 200, response.json
    return list(response.json["items"])


def test_registering_a_household_answers_201_and_the_same_address_finds_it_again(
    client, as_user, household
):
    assert (household["building"], household["unit"], household["room"]) == (15, "2", "502")
    again = post(client, as_user, "/households", {**HOUSEHOLD, "building": "15号"})
    assert again.status_code == 200
    assert again.json["id"] == household["id"]
    assert again.headers["Location"] == f"/api/v1/households/{household['id']}"


def test_a_leader_sees_households_only_in_their_blocks_and_partners_see_none(
    client, as_user, household
):
    path = f"/api/v1/households/{household['id']}"
    assert client.get(path, headers=as_user("leader5")).status_code == 404
    assert client.get(path, headers=as_user("auditor")).status_code == 200
    assert client.get(path, headers=as_user("hospital")).status_code == 403
    assert client.get("/api/v1/duties", headers=as_user("hospital")).status_code == 403
    assert post(client, as_user, "/households", HOUSEHOLD, user="leader5").status_code == 403
    assert post(client, as_user, "/households", HOUSEHOLD, user="auditor").status_code == 403
    listed = client.get("/api/v1/households", headers=as_user("leader5")).json
    assert listed["total"] == 0
    listed = client.get("/api/v1/households", headers=as_user("leader3")).json
    assert [h["id"] for h in listed["items"]] == [household["id"]]


def test_a_hospitalisation_makes_a_visit_due_in_two_days_that_the_visit_discharges(
    client, as_user, household, clock
):
    response = post(
        client,
        as_user,
        f"/households/{household['id']}/life-events",
        {"type": "hospitalised", "note": "老伴住院"},
    )
    assert response.status_code == 200, response.json
    (duty,) = response.json["duties"]
    assert (duty["kind"], duty["reason"], duty["status"]) == ("visit", "hospitalised", "open")
    assert [d["id"] for d in duties(client, as_user, "all")] == [duty["id"]]
    assert duties(client, as_user, "today") == []
    clock.advance(days=2, hours=1)
    (late,) = duties(client, as_user, "overdue")
    assert late["overdue"] is True
    discharged = post(client, as_user, f"/duties/{duty['id']}/discharge", {"notes": "已探望"})
    assert discharged.status_code == 200, discharged.json
    assert (discharged.json["status"], discharged.json["discharged_by"]) == (
        "discharged",
        "leader3",
    )
    assert duties(client, as_user, "all") == []
    again = post(client, as_user, f"/duties/{duty['id']}/discharge", {"notes": "again"})
    assert again.status_code == 409


def test_an_elderly_member_living_alone_is_asked_after_every_week(
    client, as_user, household, clock
):
    today = clock.now().date()
    response = post(
        client,
        as_user,
        f"/households/{household['id']}/groups",
        {"member": "张阿姨", "group": "elderly_alone", "starts_on": today.isoformat()},
    )
    assert response.status_code == 200, response.json
    assert response.json["members"][0]["groups"][0]["group"] == "elderly_alone"
    with client.application.app_context():
        assert fall_due(services(), clock.now()) == 0
        clock.advance(days=7)
        assert fall_due(services(), clock.now()) == 1
        assert fall_due(services(), clock.now()) == 0
    (ask,) = duties(client, as_user, "today")
    assert (ask["kind"], ask["reason"], ask["member"]) == ("ask", "elderly_alone", "张阿姨")
    assert post(client, as_user, f"/duties/{ask['id']}/discharge", {}).status_code == 200
    with client.application.app_context():
        clock.advance(days=7)
        assert fall_due(services(), clock.now()) == 1


def test_a_suggestion_becomes_a_need_of_its_household_and_both_keep_the_link(
    client, as_user, household
):
    made = post(
        client,
        as_user,
        "/records",
        {"kind": "suggestion", "block": "B3", "household_id": household["id"], "text": "楼道加灯"},
    )
    assert made.status_code == 201, made.json
    record_id = made.json["id"]
    assert made.headers["Location"] == f"/api/v1/records/{record_id}"
    turned = post(
        client, as_user, f"/records/{record_id}/to-need", {"category": "hardship", "urgency": "low"}
    )
    assert turned.status_code == 200, turned.json
    need_id = turned.json["need_id"]
    need = client.get(f"/api/v1/needs/{need_id}", headers=as_user("leader3")).json
    assert need["household"]["id"] == household["id"]
    assert need["description"] == "楼道加灯"
    assert any(record_id in note["text"] for note in need["notes"])
    retried = post(
        client, as_user, f"/records/{record_id}/to-need", {"category": "hardship", "urgency": "low"}
    )
    assert retried.json["need_id"] == need_id


def test_a_good_deed_or_a_record_about_the_whole_block_does_not_become_a_need(
    client, as_user, household
):
    deed = post(
        client,
        as_user,
        "/records",
        {"kind": "good_deed", "block": "B3", "household_id": household["id"], "text": "帮邻居买菜"},
    )
    block_wide = post(
        client, as_user, "/records", {"kind": "concern", "block": "B3", "text": "停车难"}
    )
    for record in (deed, block_wide):
        assert record.status_code == 201, record.json
        body = {"category": "hardship", "urgency": "low"}
        answer = post(client, as_user, f"/records/{record.json['id']}/to-need", body)
        assert answer.status_code == 409
        assert answer.json["code"] == 409


def test_a_need_logged_by_address_joins_the_household_the_duties_registered(
    client, as_user, household, log_need
):
    need = log_need(household={"building": "15", "unit": "2", "room": "502"}).json
    assert need["household"]["id"] == household["id"]
    elsewhere = log_need(household={"building": "16", "unit": "1", "room": "101"}).json
    found = client.get(
        f"/api/v1/households/{elsewhere['household']['id']}", headers=as_user("leader3")
    )
    assert found.status_code == 200
    assert (found.json["building"], found.json["room"]) == (16, "101")


def test_a_need_names_a_household_known_only_to_the_duties_by_its_id(
    client, as_user, household, log_need
):
    response = log_need(household=None, household_id=household["id"])
    assert response.status_code == 201, response.json
    assert response.json["household"] == {
        "id": household["id"],
        "building": 15,
        "unit": "2",
        "room": "502",
    }


def test_bad_codes_and_unknown_fields_get_the_error_body(client, as_user, household):
    path = f"/households/{household['id']}"
    wrong_group = post(client, as_user, f"{path}/groups", {"member": "李", "group": "rich"})
    assert wrong_group.status_code == 422
    assert "group" in wrong_group.json["errors"]["json"]
    extra = post(client, as_user, f"{path}/life-events", {"type": "moved_in", "colour": "red"})
    assert extra.status_code == 422
    outside = post(client, as_user, "/households", {**HOUSEHOLD, "building": "40"})
    assert outside.status_code == 422
    assert (outside.json["code"], outside.json["status"]) == (422, "Unprocessable Entity")


def test_a_member_leaves_a_group_and_no_more_asks_fall_due(client, as_user, household, clock):
    path = f"/households/{household['id']}/groups"
    start = clock.now().date().isoformat()
    post(client, as_user, path, {"member": "刘伯", "group": "unemployed", "starts_on": start})
    left = post(client, as_user, path, {"member": "刘伯", "group": "unemployed", "ends_on": start})
    assert left.status_code == 200, left.json
    assert left.json["members"][0]["groups"][0]["ends_on"] == start
    with client.application.app_context():
        clock.advance(days=40)
        assert fall_due(services(), clock.now()) == 0
    assert date.fromisoformat(start)


def test_a_retried_life_event_with_the_same_idempotency_key_makes_one_duty(
    client, as_user, household
):
    path = f"/api/v1/households/{household['id']}/life-events"
    headers = {**as_user("leader3"), "Idempotency-Key": "4b0f3c1e-9a55-4d7e-8f2a-0c9e2d1b7a61"}
    first = client.post(path, json={"type": "moved_in"}, headers=headers)
    again = client.post(path, json={"type": "moved_in"}, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json == first.json
    assert len(first.json["duties"]) == 1
    other = client.post(path, json={"type": "new_tenant"}, headers=headers)
    assert other.status_code == 422


def test_a_stale_if_match_changes_nothing_and_the_auditor_only_reads(client, as_user, household):
    made = post(client, as_user, f"/households/{household['id']}/life-events", {"type": "moved_in"})
    (duty,) = made.json["duties"]
    path = f"/api/v1/duties/{duty['id']}"
    read = client.get(path, headers=as_user("auditor"))
    assert (read.status_code, read.headers["ETag"]) == (200, f'"{made.json["version"]}"')
    assert client.post(f"{path}/discharge", json={}, headers=as_user("auditor")).status_code == 403
    stale = client.post(
        f"{path}/discharge", json={}, headers={**as_user("leader3"), "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert client.get(path, headers=as_user("leader3")).json["status"] == "open"
    assert client.get(path, headers=as_user("leader5")).status_code == 404


def test_a_record_of_another_block_is_not_found_and_cannot_be_made_there(
    client, as_user, household
):
    made = post(client, as_user, "/records", {"kind": "concern", "block": "B3", "text": "噪音"})
    path = f"/api/v1/records/{made.json['id']}"
    assert client.get(path, headers=as_user("leader5")).status_code == 404
    assert client.get(path, headers=as_user("auditor")).status_code == 200
    body = {"kind": "concern", "block": "B3", "text": "噪音"}
    assert post(client, as_user, "/records", body, user="leader5").status_code == 403
    foreign = {**body, "block": "B5", "household_id": household["id"]}
    assert post(client, as_user, "/records", foreign, user="secretary").status_code == 404
