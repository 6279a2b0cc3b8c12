"""A volunteer's account (role `volunteer`) through the API, on SQLite and PostgreSQL: linked to
their entry in their block's volunteer group, they see the needs assigned to them and only those
(anything else: 404), record visits and follow-ups on them, and do nothing else (403)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.integration.api.conftest import COMMUNITY
from tests.integration.conftest import PASSWORD
from web.bootstrap import services


@pytest.fixture
def volunteers(app: Flask, world: Any) -> None:
    """Two volunteers' accounts in B3 and one in B5."""
    with app.app_context():
        for username, block in (("vol3", "B3"), ("vol3b", "B3"), ("vol5", "B5")):
            services().accounts.register_user(
                community=COMMUNITY,
                username=username,
                role="volunteer",
                blocks=[block],
                password=PASSWORD,
                actor="setup",
            )


@pytest.fixture
def group(client, as_user, volunteers) -> dict[str, Any]:
    """B3's group, with vol3 and vol3b linked to their entries."""
    body = {"block": "B3", "name": "三块志愿者组团", "leader": "张阿姨"}
    group = client.post("/api/v1/volunteer-groups", json=body, headers=as_user("leader3")).json
    path = f"/api/v1/volunteer-groups/{group['id']}/members"
    for name, account in (("李志强", "vol3"), ("赵敏", "vol3b")):
        answer = client.post(
            path, json={"name": name, "account": account}, headers=as_user("leader3")
        )
        assert answer.status_code == 200, answer.json
    return dict(answer.json)


def assign(client, as_user, need_id: str, member: dict[str, Any]) -> None:
    path = f"/api/v1/needs/{need_id}/volunteer"
    answer = client.post(path, json={"member_id": member["id"]}, headers=as_user("leader3"))
    assert answer.status_code == 200, answer.json


@pytest.fixture
def assigned(client, as_user, group, need) -> dict[str, Any]:
    """The need, assigned to vol3 (the leader still owns it)."""
    assign(client, as_user, need["id"], group["members"][0])
    return need


def test_a_volunteer_sees_what_is_assigned_to_them_and_only_that(
    client, as_user, assigned, log_need
):
    mine = client.get(f"/api/v1/needs/{assigned['id']}", headers=as_user("vol3"))
    assert mine.status_code == 200, mine.json
    assert mine.json["assignee"] == assigned["assignee"]
    other = log_need(duplicate_ok=True).json
    for user, need_id in (("vol3", other["id"]), ("vol3b", assigned["id"])):
        path = f"/api/v1/needs/{need_id}"
        assert client.get(path, headers=as_user(user)).status_code == 404
        visit = client.post(f"{path}/visits", json={"notes": "上门"}, headers=as_user(user))
        assert visit.status_code == 404


def test_a_volunteer_of_another_block_or_unlinked_sees_nothing(client, as_user, assigned):
    path = f"/api/v1/needs/{assigned['id']}"
    assert client.get(path, headers=as_user("vol5")).status_code == 404


def test_a_volunteer_records_a_visit_and_the_follow_up(client, as_user, assigned):
    path = f"/api/v1/needs/{assigned['id']}"
    visit = client.post(f"{path}/visits", json={"notes": "已上门探望"}, headers=as_user("vol3"))
    assert visit.status_code == 200, visit.json
    assert visit.json["visits"][-1]["visitor"] == "vol3"
    resolved = client.post(
        f"{path}/resolve", json={"outcome": "helped"}, headers=as_user("leader3")
    )
    assert resolved.status_code == 200, resolved.json
    body = {"verdict": "satisfied", "note": "居民满意"}
    followed = client.post(f"{path}/follow-up", json=body, headers=as_user("vol3"))
    assert followed.status_code == 200, followed.json
    assert followed.json["follow_up"]["verdict"] == "satisfied"


def test_a_volunteer_does_nothing_else(client, as_user, assigned, group):
    path = f"/api/v1/needs/{assigned['id']}"
    vol3 = as_user("vol3")
    refused = [
        client.post(f"{path}/resolve", json={"outcome": "helped"}, headers=vol3),
        client.post(f"{path}/notes", json={"text": "x"}, headers=vol3),
        client.post(f"{path}/assign", json={"assignee": "vol3"}, headers=vol3),
        client.get("/api/v1/needs", headers=vol3),
        client.get(f"{path}/history", headers=vol3),
        client.get("/api/v1/volunteer-groups", headers=vol3),
        client.get(f"/api/v1/volunteer-groups/{group['id']}", headers=vol3),
        client.get("/api/v1/duties", headers=vol3),
    ]
    assert [answer.status_code for answer in refused] == [403] * len(refused)


def test_a_volunteer_entry_links_only_a_volunteer_account_of_its_block(client, as_user, group):
    path = f"/api/v1/volunteer-groups/{group['id']}/members"
    for account in ("vol5", "leader3", "nobody", "vol3"):  # vol3: linked already
        body = {"name": "王", "account": account}
        answer = client.post(path, json=body, headers=as_user("leader3"))
        assert answer.status_code == 422, answer.json
        assert "account" in answer.json["errors"]["json"]


@pytest.fixture
def duty(client, as_user, need) -> dict[str, Any]:
    """A must-visit duty of the need's household (it went into hospital)."""
    path = f"/api/v1/households/{need['household']['id']}/life-events"
    event = client.post(path, json={"type": "hospitalised"}, headers=as_user("leader3"))
    assert event.status_code == 200, event.json
    return dict(event.json["duties"][0])


def test_a_duty_asked_of_a_volunteer_is_on_their_today_and_they_discharge_it(
    client, as_user, assigned, duty, group
):
    path = f"/api/v1/duties/{duty['id']}"
    body = {"member_id": group["members"][0]["id"]}
    asked = client.post(f"{path}/volunteer", json=body, headers=as_user("leader3"))
    assert asked.status_code == 200, asked.json
    assert asked.json["volunteer"]["member_id"] == group["members"][0]["id"]
    today = client.get("/api/v1/assigned-to-me", headers=as_user("vol3"))
    assert today.status_code == 200, today.json
    assert [n["id"] for n in today.json["needs"]] == [assigned["id"]]
    assert [d["id"] for d in today.json["duties"]] == [duty["id"]]
    other = client.get("/api/v1/assigned-to-me", headers=as_user("vol3b")).json
    assert other == {"needs": [], "duties": []}
    assert client.get(path, headers=as_user("vol3b")).status_code == 404
    refused = client.post(f"{path}/discharge", json={}, headers=as_user("vol3b"))
    assert refused.status_code == 404
    done = client.post(f"{path}/discharge", json={"notes": "已探望"}, headers=as_user("vol3"))
    assert done.status_code == 200, done.json
    assert done.json["discharged_by"] == "vol3"
    after = client.get("/api/v1/assigned-to-me", headers=as_user("vol3")).json
    assert after["duties"] == []
    late = client.post(f"{path}/volunteer", json=body, headers=as_user("leader3"))
    assert late.status_code == 409


def test_a_duty_is_asked_only_of_a_volunteer_of_its_blocks_group(client, as_user, duty):
    group5 = client.post(
        "/api/v1/volunteer-groups",
        json={"block": "B5", "name": "五块", "leader": "王"},
        headers=as_user("leader5"),
    ).json
    stranger = client.post(
        f"/api/v1/volunteer-groups/{group5['id']}/members",
        json={"name": "外块"},
        headers=as_user("leader5"),
    ).json["members"][0]
    path = f"/api/v1/duties/{duty['id']}/volunteer"
    answer = client.post(path, json={"member_id": stranger["id"]}, headers=as_user("leader3"))
    assert answer.status_code == 422
    assert "member_id" in answer.json["errors"]["json"]
    assert client.get("/api/v1/assigned-to-me", headers=as_user("leader3")).status_code == 403


def test_the_compliance_board_counts_the_volunteers_contacts_beside_the_leaders(
    client, as_user, need, duty, group
):
    household = need["household"]["id"]
    path = f"/api/v1/households/{household}/life-events"
    second = client.post(path, json={"type": "moved_in"}, headers=as_user("leader3")).json
    other = next(d for d in second["duties"] if d["id"] != duty["id"])
    body = {"member_id": group["members"][0]["id"]}
    client.post(f"/api/v1/duties/{duty['id']}/volunteer", json=body, headers=as_user("leader3"))
    by_volunteer = client.post(
        f"/api/v1/duties/{duty['id']}/discharge", json={}, headers=as_user("vol3")
    )
    assert by_volunteer.status_code == 200, by_volunteer.json
    by_leader = client.post(
        f"/api/v1/duties/{other['id']}/discharge", json={}, headers=as_user("leader3")
    )
    assert by_leader.status_code == 200, by_leader.json
    board = client.get("/api/v1/compliance", headers=as_user("secretary"))
    assert board.status_code == 200, board.json
    (b3,) = [row for row in board.json["items"] if row["block"] == "B3"]
    assert (b3["due"], b3["by_leader"], b3["by_volunteers"]) == (2, 1, 1)
    for user in ("leader3", "vol3", "hospital"):
        assert client.get("/api/v1/compliance", headers=as_user(user)).status_code == 403


def test_a_volunteers_name_and_phone_are_shown_to_the_committee_and_never_to_partners(
    client, as_user, group, need, referral, world
):
    path = f"/api/v1/volunteer-groups/{group['id']}/members"
    body = {"name": "独一无二志愿者", "contact_phone": "13912377777", "account": ""}
    member = client.post(path, json=body, headers=as_user("leader3")).json["members"][-1]
    assign(client, as_user, need["id"], member)
    for user in ("secretary", "leader3", "auditor"):
        shown = client.get(f"/api/v1/volunteer-groups/{group['id']}", headers=as_user(user))
        assert "13912377777" in shown.get_data(as_text=True), user
    hospital = as_user("hospital")
    partner_id = world.partner_ids["hospital"]
    answers = [
        client.get(f"/api/v1/referrals/{referral['id']}", headers=hospital),
        client.get(f"/api/v1/partners/{partner_id}/referrals", headers=hospital),
        client.get(f"/api/v1/needs/{need['id']}", headers=hospital),
        client.get(f"/api/v1/needs/{need['id']}/history", headers=hospital),
        client.get("/api/v1/volunteer-groups", headers=hospital),
        client.get(f"/api/v1/volunteer-groups/{group['id']}", headers=hospital),
        client.get("/api/v1/compliance", headers=hospital),
    ]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert all(a.status_code in (403, 404) for a in answers[2:])
    for answer in answers:
        text = answer.get_data(as_text=True)
        assert "独一无二志愿者" not in text
        assert "13912377777" not in text
