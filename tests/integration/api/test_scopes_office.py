"""Who sees and does what through the API, tried from the wrong side of each boundary — the
auditor, the secretary, tokens, and lists: nothing outside the scope leaks, not even a count."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from flask import Flask

from web import services

from .conftest import NEED
from .scoping import (
    API,
    NEED_COMMANDS,
    PARTNER_ANSWERS,
    assert_error,
    assert_partners_untouched,
    b5_need,
    need_now,
    refer_body,
    referral_now,
)

__all__ = ["b5_need"]  # a fixture the tests here use


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
