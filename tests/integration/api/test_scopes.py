"""Who sees and does what through the API, tried from the wrong side of each boundary:
403 for an action or a kind of resource outside the role, 404 for a record outside the scope."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web import services

from .conftest import NEED, World

API = "/api/v1"
PERSONAL = ("resident_name", "contact_phone", "household", "description")
NEED_COMMANDS: dict[str, dict[str, Any]] = {
    "assign": {"assignee": "leader5"},
    "visits": {"notes": "上门看望，老人情况稳定"},
    "notes": {"text": "已联系家属"},
    "urgency": {"urgency": "critical", "reason": "情况恶化"},
    "consent": {"consent_to_share": False},
    "resolve": {"outcome": "helped", "summary": "已送医"},
    "reopen": {"reason": "再次摔倒"},
}
PARTNER_ANSWERS: dict[str, dict[str, Any]] = {
    "accept": {"note": "明天上门"},
    "decline": {"reason": "no_capacity", "note": "本周已满"},
    "complete": {"outcome": "helped", "note": "已处理"},
}
B5_NEED = {
    "block": "B5",
    "category": "hardship",
    "household": {"building": "26号楼", "unit": "1", "room": "301"},
    "resident_name": "李建国",
    "description": "家中漏水，需要帮忙",
    "urgency": "normal",
}

Headers = Callable[[str], dict[str, str]]


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The status, with the API's JSON error body (and nothing else in it)."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json(silent=True)
    assert isinstance(body, dict), response.get_data(as_text=True)
    assert set(body) == {"code", "status", "message"} | ({"errors"} if status == 422 else set())
    assert body["code"] == status
    assert body["status"] == HTTPStatus(status).phrase
    assert isinstance(body["message"], str)
    assert body["message"].strip()
    return body


def refer_body(world: World, partner: str = "hospital", **extra: Any) -> dict[str, Any]:
    return {"partner_id": str(world.partner_ids[partner]), "note": "请医生上门", **extra}


def need_now(client: FlaskClient, as_user: Headers, need_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/needs/{need_id}", headers=as_user("secretary"))
    assert response.status_code == 200
    return dict(response.json)


def referral_now(client: FlaskClient, as_user: Headers, referral_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/referrals/{referral_id}", headers=as_user("secretary"))
    assert response.status_code == 200
    return dict(response.json)


def assert_partners_untouched(client: FlaskClient, as_user: Headers, world: World) -> None:
    """Still the partners the tests registered, all active and without a webhook."""
    listed = client.get(f"{API}/partners?per_page=200", headers=as_user("secretary")).json
    directory = listed["items"] if isinstance(listed, dict) else listed
    assert {p["id"] for p in directory} == {str(i) for i in world.partner_ids.values()}
    assert all(p["active"] and p["webhook_url"] is None for p in directory)


@pytest.fixture
def b5_need(log_need: Callable[..., Any]) -> dict[str, Any]:
    """A need logged in B5 by its leader."""
    response = log_need(user="leader5", **B5_NEED)
    assert response.status_code == 201, response.json
    return dict(response.json)


# --- partners' clerks -------------------------------------------------------------------------


def test_a_partner_clerk_is_refused_every_needs_path_even_for_a_need_referred_to_them(
    client, as_user, referral, need, world
):
    clerk = as_user("hospital")
    need_id = need["id"]
    before = need_now(client, as_user, need_id)
    reads = [
        f"{API}/needs",
        f"{API}/needs?block=B3",
        f"{API}/needs/{need_id}",
        f"{API}/needs/{need_id}?version=1",
        f"{API}/needs/{need_id}/history",
        f"{API}/needs/{need_id}/matches",
    ]
    for path in reads:
        assert_error(client.get(path, headers=clerk), 403)
    commands = {**NEED_COMMANDS, "referrals": refer_body(world, "police")}
    for command, body in commands.items():
        response = client.post(f"{API}/needs/{need_id}/{command}", json=body, headers=clerk)
        assert_error(response, 403)
    assert_error(client.post(f"{API}/needs", json=NEED, headers=clerk), 403)
    assert need_now(client, as_user, need_id) == before
    assert client.get(f"{API}/needs", headers=as_user("secretary")).json["total"] == 1


def test_a_partner_clerk_may_not_open_another_partners_inbox(client, as_user, referral, world):
    response = client.get(
        f"{API}/partners/{world.partner_ids['hospital']}/referrals", headers=as_user("police")
    )
    assert_error(response, 403)


def test_a_referral_made_to_another_partner_does_not_exist_for_a_clerk(client, as_user, referral):
    police = as_user("police")
    assert_error(client.get(f"{API}/referrals/{referral['id']}", headers=police), 404)
    for action, body in PARTNER_ANSWERS.items():
        response = client.post(
            f"{API}/referrals/{referral['id']}/{action}", json=body, headers=police
        )
        assert_error(response, 404)
    after = referral_now(client, as_user, referral["id"])
    assert (after["status"], after["version"]) == ("sent", referral["version"])


def test_a_clerk_sees_the_residents_personal_data_only_while_consent_stands(
    client, as_user, referral, need, world
):
    clerk = as_user("hospital")
    inbox_path = f"{API}/partners/{world.partner_ids['hospital']}/referrals"

    def seen() -> tuple[dict[str, Any], dict[str, Any]]:
        one = client.get(f"{API}/referrals/{referral['id']}", headers=clerk)
        assert one.status_code == 200
        inbox = client.get(inbox_path, headers=clerk)
        assert inbox.status_code == 200
        [item] = [i for i in inbox.json["items"] if i["id"] == referral["id"]]
        return dict(one.json), item

    for shown in seen():
        assert shown["resident_name"] == "王秀英"
        assert shown["contact_phone"] == "139 1234 5678"
        assert shown["household"]["room"] == "502"
        assert shown["description"] == "独居老人摔倒，无法起身"

    withdrawn = client.post(
        f"{API}/needs/{need['id']}/consent",
        json={"consent_to_share": False},
        headers=as_user("leader3"),
    )
    assert withdrawn.status_code == 200
    for shown in seen():
        for field in PERSONAL:
            assert field not in shown, (field, shown)
        assert "王秀英" not in str(shown)
        assert "139 1234 5678" not in str(shown)
        assert shown["note"] == "请医生上门"
        assert (shown["category"], shown["urgency"]) == ("emergency", "high")
        assert (shown["block"], shown["building"]) == ("B3", 15)

    given_again = client.post(
        f"{API}/needs/{need['id']}/consent",
        json={"consent_to_share": True},
        headers=as_user("leader3"),
    )
    assert given_again.status_code == 200
    for shown in seen():
        assert shown["resident_name"] == "王秀英"


def test_a_partner_clerk_may_not_withdraw_a_referral_nor_manage_partners(
    client, as_user, referral, world
):
    clerk = as_user("hospital")
    response = client.post(
        f"{API}/referrals/{referral['id']}/withdraw", json={"reason": "不做了"}, headers=clerk
    )
    assert_error(response, 403)
    new_partner = {
        "name": "社区卫生服务中心",
        "kind": "hospital",
        "categories": ["emergency"],
        "blocks": ["*"],
        "weekly_capacity": 5,
    }
    assert_error(client.post(f"{API}/partners", json=new_partner, headers=clerk), 403)
    own = world.partner_ids["hospital"]
    other = world.partner_ids["police"]
    for partner_id in (own, other):
        for action, body in [
            ("suspend", {"reason": "x"}),
            ("reactivate", {}),
            ("webhook", {"webhook_url": "https://example.org/hook"}),
        ]:
            response = client.post(
                f"{API}/partners/{partner_id}/{action}", json=body, headers=clerk
            )
            assert_error(response, 403)
    assert referral_now(client, as_user, referral["id"])["status"] == "sent"
    assert_partners_untouched(client, as_user, world)


# --- block leaders ----------------------------------------------------------------------------


def test_another_blocks_need_does_not_exist_for_a_block_leader(client, as_user, need, world):
    leader5 = as_user("leader5")
    need_id = need["id"]
    for path in (
        f"{API}/needs/{need_id}",
        f"{API}/needs/{need_id}/history",
        f"{API}/needs/{need_id}/matches",
    ):
        assert_error(client.get(path, headers=leader5), 404)
    commands = {**NEED_COMMANDS, "referrals": refer_body(world)}
    for command, body in commands.items():
        response = client.post(f"{API}/needs/{need_id}/{command}", json=body, headers=leader5)
        assert_error(response, 404)
    after = need_now(client, as_user, need_id)
    assert after["version"] == need["version"]
    assert (after["status"], after["assignee"], after["referrals"]) == ("open", None, [])


def test_another_blocks_referral_does_not_exist_for_a_block_leader(client, as_user, referral):
    leader5 = as_user("leader5")
    assert_error(client.get(f"{API}/referrals/{referral['id']}", headers=leader5), 404)
    response = client.post(
        f"{API}/referrals/{referral['id']}/withdraw", json={"reason": "误派"}, headers=leader5
    )
    assert_error(response, 404)
    assert referral_now(client, as_user, referral["id"])["status"] == "sent"


def test_a_block_leader_may_not_log_a_need_in_another_block(client, as_user, log_need):
    assert_error(log_need(user="leader5"), 403)
    assert client.get(f"{API}/needs", headers=as_user("secretary")).json["total"] == 0


def test_a_block_leader_may_not_list_another_blocks_needs(client, as_user, need):
    assert_error(client.get(f"{API}/needs?block=B3", headers=as_user("leader5")), 403)


def test_a_block_leaders_list_neither_shows_nor_counts_another_blocks_needs(
    client, as_user, log_need, need, b5_need
):
    assert log_need(description="邻居争吵", category="mediation").status_code == 201
    for query in ("", "?per_page=1", "?status=open", "?category=emergency"):
        listed = client.get(f"{API}/needs{query}", headers=as_user("leader5"))
        assert listed.status_code == 200
        blocks = {item["block"] for item in listed.json["items"]}
        assert blocks <= {"B5"}, (query, blocks)
    listed = client.get(f"{API}/needs", headers=as_user("leader5")).json
    assert listed["total"] == 1
    assert [item["id"] for item in listed["items"]] == [b5_need["id"]]
    emergencies = client.get(f"{API}/needs?category=emergency", headers=as_user("leader5")).json
    assert (emergencies["total"], emergencies["items"]) == (0, [])


def test_a_block_leader_may_not_read_past_states_of_even_their_own_need(
    client, as_user, need, clock
):
    leader3 = as_user("leader3")
    moment = clock.now().isoformat()
    for query in ("?version=1", f"?as_of={moment.replace('+', '%2B')}"):
        assert_error(client.get(f"{API}/needs/{need['id']}{query}", headers=leader3), 403)


def test_a_block_leader_may_not_register_suspend_or_hook_partners(client, as_user, world):
    leader3 = as_user("leader3")
    new_partner = {
        "name": "社区卫生服务中心",
        "kind": "hospital",
        "categories": ["emergency"],
        "blocks": ["B3"],
        "weekly_capacity": 5,
    }
    assert_error(client.post(f"{API}/partners", json=new_partner, headers=leader3), 403)
    hospital = world.partner_ids["hospital"]
    for action, body in [
        ("suspend", {"reason": "太慢"}),
        ("reactivate", {}),
        ("webhook", {"webhook_url": "https://example.org/hook"}),
    ]:
        response = client.post(f"{API}/partners/{hospital}/{action}", json=body, headers=leader3)
        assert_error(response, 403)
    assert_partners_untouched(client, as_user, world)


def test_a_block_leader_may_not_answer_for_a_partner(client, as_user, referral):
    leader3 = as_user("leader3")
    for action, body in PARTNER_ANSWERS.items():
        response = client.post(
            f"{API}/referrals/{referral['id']}/{action}", json=body, headers=leader3
        )
        assert_error(response, 403)
    assert referral_now(client, as_user, referral["id"])["status"] == "sent"


def test_a_block_leader_may_not_refer_outside_a_partners_scope_even_with_a_reason(
    client, as_user, need, world
):
    path = f"{API}/needs/{need['id']}/referrals"
    # 绿化市容 serves hardship only; the need is an emergency.
    plain = refer_body(world, "greening")
    overriding = refer_body(world, "greening", override_reason="医院和派出所都没空")
    for body in (plain, overriding):
        assert_error(client.post(path, json=body, headers=as_user("leader3")), 409)
    assert_error(client.post(path, json=plain, headers=as_user("secretary")), 409)
    assert need_now(client, as_user, need["id"])["referrals"] == []

    response = client.post(path, json=overriding, headers=as_user("secretary"))
    assert response.status_code == 201, response.json
    assert response.json["partner_id"] == str(world.partner_ids["greening"])


# --- the auditor ------------------------------------------------------------------------------


def test_the_auditor_reads_everything(client, as_user, need, b5_need, world, clock):
    clock.advance(minutes=10)
    referral = client.post(
        f"{API}/needs/{need['id']}/referrals", json=refer_body(world), headers=as_user("leader3")
    ).json
    auditor = as_user("auditor")
    listed = client.get(f"{API}/needs?per_page=200", headers=auditor)
    assert listed.status_code == 200
    assert listed.json["total"] == len(listed.json["items"]) == 2
    assert {item["block"] for item in listed.json["items"]} == {"B3", "B5"}
    assert client.get(f"{API}/needs?block=B5", headers=auditor).json["total"] == 1
    for need_id in (need["id"], b5_need["id"]):
        assert client.get(f"{API}/needs/{need_id}", headers=auditor).status_code == 200
        history = client.get(f"{API}/needs/{need_id}/history", headers=auditor)
        assert history.status_code == 200
        assert history.json["events"]
    first = client.get(f"{API}/needs/{need['id']}?version=1", headers=auditor)
    assert (first.status_code, first.json["version"]) == (200, 1)
    moment = need["logged_at"].replace("+", "%2B")
    at_logging = client.get(f"{API}/needs/{need['id']}?as_of={moment}", headers=auditor)
    assert at_logging.status_code == 200
    assert (at_logging.json["version"], at_logging.json["referrals"]) == (1, [])
    one = client.get(f"{API}/referrals/{referral['id']}", headers=auditor)
    assert (one.status_code, one.json["resident_name"]) == (200, "王秀英")
    inbox = client.get(f"{API}/partners/{world.partner_ids['hospital']}/referrals", headers=auditor)
    assert inbox.status_code == 200
    assert [item["id"] for item in inbox.json["items"]] == [referral["id"]]


def test_the_auditor_may_not_post_anything(client, as_user, need, referral, world):
    auditor = as_user("auditor")
    need_id, referral_id = need["id"], referral["id"]
    hospital = world.partner_ids["hospital"]
    before = need_now(client, as_user, need_id)
    posts: list[tuple[str, dict[str, Any]]] = [
        (f"{API}/needs", NEED),
        *((f"{API}/needs/{need_id}/{c}", body) for c, body in NEED_COMMANDS.items()),
        (f"{API}/needs/{need_id}/referrals", refer_body(world, "police")),
        *((f"{API}/referrals/{referral_id}/{a}", body) for a, body in PARTNER_ANSWERS.items()),
        (f"{API}/referrals/{referral_id}/withdraw", {"reason": "审计"}),
        (
            f"{API}/partners",
            {
                "name": "审计用单位",
                "kind": "other",
                "categories": ["hardship"],
                "blocks": ["*"],
                "weekly_capacity": 1,
            },
        ),
        (f"{API}/partners/{hospital}/suspend", {"reason": "审计"}),
        (f"{API}/partners/{hospital}/reactivate", {}),
        (f"{API}/partners/{hospital}/webhook", {"webhook_url": "https://example.org/hook"}),
    ]
    for path, body in posts:
        assert_error(client.post(path, json=body, headers=auditor), 403)
    assert need_now(client, as_user, need_id) == before
    assert referral_now(client, as_user, referral_id)["status"] == "sent"
    assert_partners_untouched(client, as_user, world)
    assert client.get(f"{API}/needs", headers=as_user("secretary")).json["total"] == 1


# --- the secretary ----------------------------------------------------------------------------


def test_the_secretary_sees_every_block(client, as_user, need, b5_need):
    secretary = as_user("secretary")
    listed = client.get(f"{API}/needs", headers=secretary).json
    assert listed["total"] == len(listed["items"]) == 2
    assert {item["block"] for item in listed["items"]} == {"B3", "B5"}
    for need_id in (need["id"], b5_need["id"]):
        assert client.get(f"{API}/needs/{need_id}", headers=secretary).status_code == 200
    for block, expected in (("B3", need["id"]), ("B5", b5_need["id"])):
        page = client.get(f"{API}/needs?block={block}", headers=secretary).json
        assert [item["id"] for item in page["items"]] == [expected]


def test_the_secretary_may_not_answer_for_a_partner(client, as_user, referral):
    for action, body in PARTNER_ANSWERS.items():
        response = client.post(
            f"{API}/referrals/{referral['id']}/{action}", json=body, headers=as_user("secretary")
        )
        assert_error(response, 403)
    assert referral_now(client, as_user, referral["id"])["status"] == "sent"


# --- nothing leaks ----------------------------------------------------------------------------


def test_another_blocks_need_answers_exactly_like_a_need_that_does_not_exist(client, as_user, need):
    leader5 = as_user("leader5")
    nobody = str(uuid4())
    for suffix in ("", "/history", "/matches"):
        hidden = client.get(f"{API}/needs/{need['id']}{suffix}", headers=leader5)
        missing = client.get(f"{API}/needs/{nobody}{suffix}", headers=leader5)
        hidden_body = assert_error(hidden, 404)
        missing_body = assert_error(missing, 404)
        assert hidden_body["message"].replace(need["id"], "<id>") == missing_body[
            "message"
        ].replace(nobody, "<id>")
        assert {**hidden_body, "message": ""} == {**missing_body, "message": ""}
        for telltale in ("B3", "emergency", "救急", "王秀英", "15号"):
            assert telltale not in hidden.get_data(as_text=True), (suffix, telltale)
        assert hidden.headers.get("ETag") is None


def test_another_partners_referral_answers_exactly_like_one_that_does_not_exist(
    client, as_user, referral
):
    police = as_user("police")
    nobody = str(uuid4())
    hidden = assert_error(client.get(f"{API}/referrals/{referral['id']}", headers=police), 404)
    missing = assert_error(client.get(f"{API}/referrals/{nobody}", headers=police), 404)
    assert hidden["message"].replace(referral["id"], "<id>") == missing["message"].replace(
        nobody, "<id>"
    )
    for telltale in ("B3", "emergency", "王秀英", "利群", "hospital"):
        assert telltale not in hidden["message"]


def test_every_list_total_counts_only_what_the_caller_may_see(
    client, as_user, log_need, need, b5_need, referral, world
):
    assert log_need(description="邻居争吵", category="mediation").status_code == 201
    expected = {"secretary": 3, "auditor": 3, "leader3": 2, "leader5": 1}
    for user, count in expected.items():
        for per_page in (200, 1):
            page = client.get(f"{API}/needs?per_page={per_page}", headers=as_user(user)).json
            assert page["total"] == count, (user, per_page, page["total"])
            assert len(page["items"]) == min(count, per_page)
    for clerk in ("hospital", "police"):
        inbox = client.get(
            f"{API}/partners/{world.partner_ids[clerk]}/referrals", headers=as_user(clerk)
        ).json
        assert inbox["total"] == len(inbox["items"]) == (1 if clerk == "hospital" else 0)


# --- tokens -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic bGVhZGVyMzpwYXNzd29yZA==",
        "Token abc",
        "bearer-abc",
        "Bearer not-a-token-we-issued",
    ],
)
def test_a_missing_malformed_or_unknown_token_is_a_401(client, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in (("get", f"{API}/needs"), ("post", f"{API}/needs")):
        response = getattr(client, method)(
            path, headers=headers, json={} if method == "post" else None
        )
        assert_error(response, 401)


def test_the_token_of_a_user_disabled_afterwards_is_a_401(app: Flask, client, as_user, need):
    headers = as_user("leader3")
    assert client.get(f"{API}/needs/{need['id']}", headers=headers).status_code == 200
    with app.app_context():
        services().authenticator.disable("leader3", reason="调离", actor="secretary")
    assert_error(client.get(f"{API}/needs/{need['id']}", headers=headers), 401)
    assert_error(client.get(f"{API}/needs", headers=headers), 401)
    response = client.post(
        f"{API}/needs/{need['id']}/notes", json={"text": "还能写吗"}, headers=headers
    )
    assert_error(response, 401)
    assert need_now(client, as_user, need["id"])["notes"] == []
