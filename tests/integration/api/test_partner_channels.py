"""A partner's channels through the API, on both stores: robots and an SMS gateway set, listed
without their secrets, sealed at rest, tested against local receivers that speak each vendor's
formats, removed; bad settings refused with a 422 naming the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.api.conftest import World
from tests.integration.conftest import CHEAP_HASHING
from tests.integration.vendor_receivers import (
    DINGTALK_SECRET,
    DINGTALK_TOKEN,
    SMS_KEY,
    WECOM_TOKEN,
    VendorReceiver,
    sms_signed,
)
from web import services

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The vendors' stand-ins listen on 127.0.0.1."""
    return {**CHEAP_HASHING, "WEBHOOK_ALLOW_PRIVATE": "1", "PUBLIC_URL": "https://needs.example"}


def add(client: FlaskClient, headers: dict[str, str], partner: object, **body: Any) -> Any:
    return client.post(f"/api/v1/partners/{partner}/channels", json=body, headers=headers)


def test_a_wecom_robot_is_listed_by_its_host_and_never_by_its_token(
    client: FlaskClient, as_user: Headers, world: World, wecom: VendorReceiver
) -> None:
    hospital = world.partner_ids["hospital"]
    added = add(client, as_user("secretary"), hospital, kind="wecom_robot", url=wecom.url)
    assert added.status_code == 201, added.json
    assert added.headers["Location"] == f"/api/v1/partners/{hospital}/channels/{added.json['id']}"
    assert added.json["settings"] == {"host": "127.0.0.1"}
    for user in ("secretary", "auditor", "hospital"):
        listed = client.get(f"/api/v1/partners/{hospital}/channels", headers=as_user(user))
        assert listed.status_code == 200
        assert [c["kind"] for c in listed.json["items"]] == ["wecom_robot"]
        assert WECOM_TOKEN not in json.dumps(listed.json)
    one = client.get(added.headers["Location"], headers=as_user("secretary"))
    assert one.json == added.json
    assert WECOM_TOKEN not in json.dumps(added.json)


def test_another_partners_clerk_and_a_block_leader_cannot_see_the_channels(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    hospital = world.partner_ids["hospital"]
    path = f"/api/v1/partners/{hospital}/channels"
    assert client.get(path, headers=as_user("police")).status_code == 404
    assert client.get(path, headers=as_user("leader3")).status_code == 403
    body = {"kind": "email", "address": "clinic@liqun.example"}
    assert client.post(path, json=body, headers=as_user("auditor")).status_code == 403


def test_the_robots_secrets_are_sealed_in_the_store(
    app: Flask, client: FlaskClient, as_user: Headers, world: World, dingtalk: VendorReceiver
) -> None:
    hospital = world.partner_ids["hospital"]
    added = add(
        client,
        as_user("secretary"),
        hospital,
        kind="dingtalk_robot",
        url=dingtalk.url,
        secret=DINGTALK_SECRET,
    )
    assert added.status_code == 201, added.json
    with app.app_context(), services().channels.store.read() as sql:
        rows = sql.execute("SELECT * FROM channels").fetchall()
    stored = json.dumps(rows, default=str)
    assert len(rows) == 1
    assert DINGTALK_TOKEN not in stored
    assert DINGTALK_SECRET not in stored


def test_a_test_message_reaches_the_wecom_robot_in_wecoms_format(
    client: FlaskClient, as_user: Headers, world: World, wecom: VendorReceiver
) -> None:
    secretary = as_user("secretary")
    channel = add(
        client, secretary, world.partner_ids["hospital"], kind="wecom_robot", url=wecom.url
    )
    tested = client.post(
        "/api/v1/channels/test", json={"channel_id": channel.json["id"]}, headers=secretary
    )
    assert tested.status_code == 200, tested.json
    assert tested.json["delivered"] is True
    (arrival,) = wecom.wait_for(1)
    assert arrival.refusal is None
    assert arrival.payload["msgtype"] == "markdown"
    assert "https://needs.example/" in arrival.payload["markdown"]["content"]


def test_a_test_message_to_dingtalk_is_signed_with_the_robots_secret(
    client: FlaskClient, as_user: Headers, world: World, dingtalk: VendorReceiver
) -> None:
    secretary = as_user("secretary")
    channel = add(
        client,
        secretary,
        world.partner_ids["police"],
        kind="dingtalk_robot",
        url=dingtalk.url,
        secret=DINGTALK_SECRET,
    )
    tested = client.post(
        "/api/v1/channels/test", json={"channel_id": channel.json["id"]}, headers=secretary
    )
    assert tested.json["delivered"] is True, tested.json
    (arrival,) = dingtalk.wait_for(1)
    assert arrival.refusal is None
    assert set(arrival.query) == {"access_token", "timestamp", "sign"}
    assert arrival.payload["markdown"]["title"]


def test_an_errcode_in_a_200_answer_is_a_failed_test_and_is_shown_on_the_channel(
    client: FlaskClient, as_user: Headers, world: World, wecom: VendorReceiver
) -> None:
    secretary = as_user("secretary")
    hospital = world.partner_ids["hospital"]
    channel = add(client, secretary, hospital, kind="wecom_robot", url=wecom.url)
    wecom.fail_next(45009)
    failed = client.post(
        "/api/v1/channels/test", json={"channel_id": channel.json["id"]}, headers=secretary
    )
    assert failed.status_code == 200
    assert failed.json["delivered"] is False
    assert failed.json["status_code"] == 200
    assert "errcode 45009" in failed.json["error"]
    shown = client.get(f"/api/v1/partners/{hospital}/channels", headers=secretary).json
    assert shown["items"][0]["last_test_ok"] is False
    again = client.post(
        "/api/v1/channels/test", json={"channel_id": channel.json["id"]}, headers=secretary
    )
    assert again.json["delivered"] is True


def test_a_wrong_dingtalk_secret_is_refused_by_the_robot_and_fails_the_test(
    client: FlaskClient, as_user: Headers, world: World, dingtalk: VendorReceiver
) -> None:
    secretary = as_user("secretary")
    channel = add(
        client,
        secretary,
        world.partner_ids["police"],
        kind="dingtalk_robot",
        url=dingtalk.url,
        secret="SECnot-the-robots-secret",
    )
    tested = client.post(
        "/api/v1/channels/test", json={"channel_id": channel.json["id"]}, headers=secretary
    )
    assert tested.json["delivered"] is False
    assert "310000" in tested.json["error"]
    assert DINGTALK_TOKEN not in tested.json["error"]


def test_a_test_sms_goes_to_the_gateway_signed_with_the_link_in_the_template(
    client: FlaskClient, as_user: Headers, world: World, sms: VendorReceiver
) -> None:
    secretary = as_user("secretary")
    channel = add(
        client,
        secretary,
        world.partner_ids["property"],
        kind="sms",
        url=sms.url,
        key=SMS_KEY,
        sender_id="NUJIANG",
        template="【怒江苑】有新的通知，请登录查看：{link}",
        phone="139 1234 5678",
    )
    assert channel.status_code == 201, channel.json
    assert channel.json["settings"] == {
        "sender_id": "NUJIANG",
        "template": "【怒江苑】有新的通知，请登录查看：{link}",
        "host": "127.0.0.1",
    }
    tested = client.post(
        "/api/v1/channels/test", json={"channel_id": channel.json["id"]}, headers=secretary
    )
    assert tested.json["delivered"] is True, tested.json
    (arrival,) = sms.wait_for(1)
    assert sms_signed(arrival.headers, arrival.body)
    assert arrival.payload == {
        "sender_id": "NUJIANG",
        "phone": "13912345678",
        "text": "【怒江苑】有新的通知，请登录查看：https://needs.example/",
    }


def test_a_removed_channel_is_gone_and_cannot_be_tested(
    client: FlaskClient, as_user: Headers, world: World, wecom: VendorReceiver
) -> None:
    secretary = as_user("secretary")
    hospital = world.partner_ids["hospital"]
    channel = add(client, secretary, hospital, kind="wecom_robot", url=wecom.url)
    path = f"/api/v1/partners/{hospital}/channels/{channel.json['id']}"
    assert client.delete(path, headers=secretary).status_code == 204
    assert client.delete(path, headers=secretary).status_code == 404
    assert client.get(f"/api/v1/partners/{hospital}/channels", headers=secretary).json == {
        "items": []
    }
    tested = client.post(
        "/api/v1/channels/test", json={"channel_id": channel.json["id"]}, headers=secretary
    )
    assert tested.status_code == 404
    assert wecom.arrivals == []


def test_the_partners_webhook_is_one_of_its_channels_and_its_secret_shown_once(
    client: FlaskClient, as_user: Headers, world: World
) -> None:
    secretary = as_user("secretary")
    hospital = world.partner_ids["hospital"]
    added = add(client, secretary, hospital, kind="webhook", url="https://liqun.example/hooks")
    assert added.status_code == 201, added.json
    secret = added.json["webhook_secret"]
    partner = client.get(f"/api/v1/partners/{hospital}", headers=secretary).json
    assert partner["webhook_url"] == "https://liqun.example/hooks"
    listed = client.get(f"/api/v1/partners/{hospital}/channels", headers=secretary).json
    assert [c["kind"] for c in listed["items"]] == ["webhook"]
    assert secret not in json.dumps(listed)
    path = f"/api/v1/partners/{hospital}/channels/{added.json['id']}"
    assert client.delete(path, headers=secretary).status_code == 204
    assert client.get(f"/api/v1/partners/{hospital}", headers=secretary).json["webhook_url"] is None
