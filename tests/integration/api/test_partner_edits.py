"""Keeping a partner's entry current through the API, on both stores: the secretary's edits
(each an event with actor and reason, pinned by If-Match), a partner's own staff keeping their
capacity, pauses and contact current, matching that follows every change at once, and bad
input refused with a 422 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from kernel.clock import ManualClock
from tests.integration.api.conftest import World
from tests.integration.conftest import PASSWORD

Headers = Callable[[str], dict[str, str]]


def post(
    client: FlaskClient, headers: dict[str, str], path: str, body: dict[str, Any], **more: str
) -> Any:
    return client.post(f"/api/v1{path}", json=body, headers={**headers, **more})


def test_the_secretary_changes_a_partners_details_and_its_history_says_who_and_why(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    pid = world.partner_ids["hospital"]
    before = client.get(f"/api/v1/partners/{pid}", headers=as_user("secretary"))
    body = {"name": "利群医院（长征院区）", "kind": "hospital", "mode": "共建", "reason": "更名"}
    answer = post(
        client,
        as_user("secretary"),
        f"/partners/{pid}/details",
        body,
        **{"If-Match": before.headers["ETag"]},
    )
    assert answer.status_code == 200, answer.json
    assert (answer.json["name"], answer.json["mode"]) == ("利群医院（长征院区）", "共建")
    assert answer.headers["ETag"] == f'"{before.json["version"] + 1}"'
    history = client.get(f"/api/v1/partners/{pid}/history", headers=as_user("secretary")).json
    last = history["events"][-1]
    assert (last["type"], last["actor"]) == ("DetailsChanged", "secretary")
    assert last["data"]["reason"] == "更名"
    assert last["data"]["mode"] == "共建"


def test_a_stale_if_match_changes_nothing(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    pid = world.partner_ids["police"]
    body = {"categories": ["mediation"], "blocks": ["B3"]}
    answer = post(
        client, as_user("secretary"), f"/partners/{pid}/services", body, **{"If-Match": '"7"'}
    )
    assert answer.status_code == 412
    found = client.get(f"/api/v1/partners/{pid}", headers=as_user("secretary")).json
    assert found["categories"] == ["emergency", "mediation"]


def test_matching_follows_a_change_of_services_at_once(
    client: FlaskClient, as_user: Headers, world: World, need: dict[str, Any]
) -> None:
    names = [
        m["name"]
        for m in client.get(f"/api/v1/needs/{need['id']}/matches", headers=as_user("leader3")).json
    ]
    assert "长征派出所" in names
    pid = world.partner_ids["police"]
    body = {"categories": ["mediation"], "blocks": ["*"], "reason": "急救转120"}
    assert post(client, as_user("secretary"), f"/partners/{pid}/services", body).status_code == 200
    names = [
        m["name"]
        for m in client.get(f"/api/v1/needs/{need['id']}/matches", headers=as_user("leader3")).json
    ]
    assert "长征派出所" not in names


def test_bad_input_is_refused_naming_the_field(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    pid = world.partner_ids["hospital"]
    secretary = as_user("secretary")
    cases = [
        ("services", {"categories": ["gardening"], "blocks": ["*"]}, "categories"),
        ("services", {"categories": ["emergency"], "blocks": ["B9"]}, "blocks"),
        ("capacity", {"weekly_capacity": -1}, "weekly_capacity"),
        ("capacity", {"this_week": 10_001}, "this_week"),
        ("details", {"name": "利群医院", "kind": "hospital", "mode": "合建"}, "mode"),
        ("pause", {"starts_on": "2026-12-10", "ends_on": "2026-12-01", "reason": "x"}, "ends_on"),
        ("contact", {"contact": "", "email": "not an address"}, "email"),
    ]
    for path, body, field in cases:
        answer = post(client, secretary, f"/partners/{pid}/{path}", body)
        assert answer.status_code == 422, (path, answer.json)
        assert field in answer.json["errors"]["json"], (path, answer.json)
    events = client.get(f"/api/v1/partners/{pid}/history", headers=secretary).json["events"]
    assert [e["type"] for e in events] == ["Registered"]


def test_a_partners_staff_keep_their_own_entry_but_not_the_committees_decisions(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    own, other = world.partner_ids["hospital"], world.partner_ids["police"]
    clerk = as_user("hospital")
    assert (
        post(client, clerk, f"/partners/{own}/capacity", {"this_week": 2}).json[
            "this_week_capacity"
        ]
        == 2
    )
    contact = {
        "contact": "",
        "phone": "021-5266 0120",
        "people": [{"name": "张医生", "published": True}],
    }
    answer = post(client, clerk, f"/partners/{own}/contact", contact)
    assert answer.status_code == 200
    assert answer.json["people"][0]["name"] == "张医生"
    assert post(client, clerk, f"/partners/{other}/capacity", {"this_week": 2}).status_code == 404
    assert post(client, clerk, f"/partners/{other}/contact", contact).status_code == 404
    body = {"categories": ["emergency"], "blocks": ["*"]}
    assert post(client, clerk, f"/partners/{own}/services", body).status_code == 403
    assert client.get(f"/api/v1/partners/{other}/history", headers=clerk).status_code == 404


def test_a_paused_partner_ranks_out_until_its_pause_ends_by_the_calendar(
    client: FlaskClient,
    as_user: Headers,
    world: World,
    need: dict[str, Any],
    clock: ManualClock,
) -> None:
    pid = world.partner_ids["hospital"]
    pause = {"starts_on": "2026-11-30", "ends_on": "2026-12-06", "reason": "院内设备检修"}
    answer = post(client, as_user("hospital"), f"/partners/{pid}/pause", pause)
    assert answer.status_code == 200, answer.json
    assert answer.json["paused"] is True
    matches = client.get(f"/api/v1/needs/{need['id']}/matches", headers=as_user("leader3")).json
    assert matches[-1]["name"] == "利群医院"
    assert matches[-1]["score"] == 0
    assert matches[-1]["reasons"] == ["paused until 2026-12-06: 院内设备检修"]
    refused = post(
        client, as_user("leader3"), f"/needs/{need['id']}/referrals", {"partner_id": str(pid)}
    )
    assert refused.status_code == 409
    clock.advance(days=7)
    token = client.post("/api/v1/auth/tokens", json={"username": "leader3", "password": PASSWORD})
    leader = {"Authorization": f"Bearer {token.json['token']}"}
    matches = client.get(f"/api/v1/needs/{need['id']}/matches", headers=leader).json
    hospital = next(m for m in matches if m["name"] == "利群医院")
    assert not hospital["reasons"][0].startswith("paused")
