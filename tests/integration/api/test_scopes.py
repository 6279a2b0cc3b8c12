"""Who sees and does what through the API, tried from the wrong side of each boundary —
partners' clerks and block leaders: 403 for an action or a kind of resource outside the role,
404 for a record outside the scope."""

from __future__ import annotations

from typing import Any

from .conftest import NEED
from .scoping import (
    API,
    NEED_COMMANDS,
    PARTNER_ANSWERS,
    PERSONAL,
    assert_error,
    assert_partners_untouched,
    b5_need,
    need_now,
    refer_body,
    referral_now,
)

__all__ = ["b5_need"]  # a fixture the tests here use


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
