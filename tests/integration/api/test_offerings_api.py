"""The resource list (资源清单) through the API, on both stores: a partner lists an offering on
a schedule, the list answers what is on a given day, an offering is changed and withdrawn, a
leader refers a need straight to it (the referral names it), and bad input is refused with a
422 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tests.integration.api.conftest import World

Headers = Callable[[str], dict[str, str]]
CLINIC = {
    "title": "家门口的医疗服务",
    "category": "hardship",
    "where": "怒江苑居委会活动室",
    "schedule": {"kind": "monthly", "weekday": 2, "nth": 2, "opens_at": "09:00"},
    "capacity": 40,
}


def offer(client: FlaskClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/v1/offerings", json=body, headers=headers)


def test_the_doorstep_clinic_is_on_the_second_tuesday_of_each_month(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    hospital = str(world.partner_ids["hospital"])
    listed = offer(client, as_user("hospital"), partner_id=hospital, **CLINIC)
    assert listed.status_code == 201, listed.json
    assert listed.headers["Location"] == f"/api/v1/offerings/{listed.json['id']}"
    assert listed.json["next_session"] == "2026-12-08"
    leader = as_user("leader3")
    on = client.get("/api/v1/offerings?on=2026-12-08&category=hardship&block=B3", headers=leader)
    assert [item["title"] for item in on.json["items"]] == ["家门口的医疗服务"]
    off = client.get("/api/v1/offerings?on=2026-12-01", headers=leader)
    assert off.json["items"] == []
    assert client.get("/api/v1/offerings?on=2027-01-12", headers=leader).json["total"] == 1


def test_an_offering_is_changed_and_withdrawn_and_the_list_follows(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    secretary = as_user("secretary")
    body = {**CLINIC, "partner_id": str(world.partner_ids["hospital"])}
    offering = offer(client, secretary, **body).json
    path = f"/api/v1/offerings/{offering['id']}"
    weekly = {"schedule": {"kind": "weekly", "weekday": 4}, "reason": "改为每周四"}
    changed = client.post(f"{path}/change", json=weekly, headers={**secretary, "If-Match": '"1"'})
    assert changed.status_code == 200, changed.json
    assert (changed.json["version"], changed.json["next_session"]) == (2, "2026-12-03")
    stale = client.post(f"{path}/withdraw", json={}, headers={**secretary, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.post(f"{path}/withdraw", json={"reason": "停办"}, headers=secretary).json[
        "withdrawn"
    ]
    assert client.get("/api/v1/offerings", headers=secretary).json["total"] == 0
    again = client.post(f"{path}/withdraw", json={}, headers=secretary)
    assert again.status_code == 409
    events = client.get(f"{path}/history", headers=secretary).json["events"]
    assert [(e["type"], e["actor"], e["data"].get("reason")) for e in events] == [
        ("Listed", "secretary", None),
        ("Changed", "secretary", "改为每周四"),
        ("Withdrawn", "secretary", "停办"),
    ]


def test_bad_offerings_are_refused_naming_the_field(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    hospital = str(world.partner_ids["hospital"])
    clerk = as_user("hospital")
    never = {"kind": "once", "on": "2026-12-08", "ends_on": "2026-12-01"}
    cases = [
        ({**CLINIC, "category": "mediation"}, "category"),  # the hospital does not serve it
        ({**CLINIC, "category": "gardening"}, "category"),
        ({**CLINIC, "block": "B9"}, "block"),
        ({**CLINIC, "capacity": 10_001}, "capacity"),
        ({**CLINIC, "schedule": never}, "schedule"),
    ]
    for body, field in cases:
        answer = offer(client, clerk, partner_id=hospital, **body)
        assert answer.status_code == 422, (body, answer.json)
        assert field in answer.json["errors"]["json"], (body, answer.json)
    police = str(world.partner_ids["police"])
    assert offer(client, clerk, partner_id=police, **CLINIC).status_code == 403


def test_a_leader_refers_a_need_to_the_doorstep_clinic_and_the_partner_sees_which(
    client: FlaskClient, as_user: Headers, world: World, need: dict[str, Any]
) -> None:
    body = {**CLINIC, "partner_id": str(world.partner_ids["hospital"])}
    offering = offer(client, as_user("secretary"), **body).json
    referred = client.post(
        f"/api/v1/offerings/{offering['id']}/referrals",
        json={"need_id": need["id"], "note": "老人血压高，请医生看看"},
        headers=as_user("leader3"),
    )
    assert referred.status_code == 201, referred.json
    assert referred.json["partner_name"] == "利群医院"
    seen = client.get(f"/api/v1/referrals/{referred.json['id']}", headers=as_user("hospital")).json
    assert seen["note"].startswith("【家门口的医疗服务】2026-12-08 怒江苑居委会活动室")
    assert seen["note"].endswith("老人血压高，请医生看看")
    other = client.post(
        f"/api/v1/offerings/{offering['id']}/referrals",
        json={"need_id": need["id"]},
        headers=as_user("leader5"),
    )
    assert other.status_code == 404


def test_an_offering_sent_again_with_its_key_is_listed_once(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    headers = {**as_user("hospital"), "Idempotency-Key": "6b1c1f56-2f0e-4a55-9d43-6c51a7c4f0aa"}
    body = {**CLINIC, "partner_id": str(world.partner_ids["hospital"])}
    first = client.post("/api/v1/offerings", json=body, headers=headers)
    again = client.post("/api/v1/offerings", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json["id"] == again.json["id"]
    assert client.get("/api/v1/offerings", headers=headers).json["total"] == 1
