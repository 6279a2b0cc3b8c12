"""Steps of 'Tell partners where they already are: group robots, SMS, email'
(features/secretary/api_partner_channels.feature), against local stand-ins of the vendors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import PARTNER, QUOTED, USER, Answer, Api, Partner, succeeded
from tests.integration.conftest import CHEAP_HASHING
from tests.integration.vendor_receivers import (
    DINGTALK_SECRET,
    DINGTALK_TOKEN,
    SMS_KEY,
    WECOM_TOKEN,
    VendorReceiver,
    sms_signed,
)

scenarios("secretary/api_partner_channels.feature")
SERVICE = "https://needs.example/"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The vendors' stand-ins listen on 127.0.0.1; links point at the service's public address."""
    return {**CHEAP_HASHING, "WEBHOOK_ALLOW_PRIVATE": "1", "PUBLIC_URL": SERVICE}


@pytest.fixture
def vendors() -> Iterator[list[VendorReceiver]]:
    started: list[VendorReceiver] = []
    yield started
    for receiver in started:
        receiver.__exit__()


@pytest.fixture
def channel() -> dict[str, Any]:
    return {}


def _start(vendors: list[VendorReceiver], vendor: str) -> VendorReceiver:
    receiver = VendorReceiver(vendor).__enter__()
    vendors.append(receiver)
    return receiver


@given(
    parsers.re(r"the [\w ]+'s (?P<vendor>WeCom|DingTalk) group has a robot"), target_fixture="robot"
)
def group_has_robot(vendors: list[VendorReceiver], vendor: str) -> VendorReceiver:
    return _start(vendors, vendor.lower())


@given("the hospital's SMS gateway listens", target_fixture="robot")
def gateway_listens(vendors: list[VendorReceiver]) -> VendorReceiver:
    return _start(vendors, "sms")


def _robot_settings(robot: VendorReceiver, kind: str) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "url": robot.url}
    if kind == "dingtalk_robot":
        body["secret"] = DINGTALK_SECRET
    return body


@when(parsers.re(USER + r" gives " + PARTNER + r" the robot as an? (?P<kind>\w+) channel$"))
@given(parsers.re(USER + r" has given " + PARTNER + r" the robot as an? (?P<kind>\w+) channel$"))
def gives_robot(
    api: Api,
    partners: dict[str, Partner],
    robot: VendorReceiver,
    channel: dict[str, Any],
    username: str,
    partner: str,
    kind: str,
) -> None:
    path = f"/partners/{partners[partner].partner_id}/channels"
    channel.update(succeeded(api.post(username, path, _robot_settings(robot, kind)), 201))
    channel["partner"] = partners[partner]


@when(
    parsers.re(
        USER
        + r" gives "
        + PARTNER
        + r" the gateway as an sms channel, texting (?P<phone>[0-9 ]+) "
        + QUOTED.format("template")
    )
)
def gives_gateway(
    api: Api,
    partners: dict[str, Partner],
    robot: VendorReceiver,
    channel: dict[str, Any],
    username: str,
    partner: str,
    phone: str,
    template: str,
) -> None:
    body = {
        "kind": "sms",
        "url": robot.url,
        "key": SMS_KEY,
        "sender_id": "NUJIANG",
        "template": template,
        "phone": phone,
    }
    path = f"/partners/{partners[partner].partner_id}/channels"
    channel.update(succeeded(api.post(username, path, body), 201))


@when(
    parsers.re(USER + r" gives " + PARTNER + r" a channel set as (?P<settings>\{.*\})$"),
    target_fixture="answer",
)
def gives_settings(
    api: Api, partners: dict[str, Partner], username: str, partner: str, settings: str
) -> Answer:
    return api.post(
        username, f"/partners/{partners[partner].partner_id}/channels", json.loads(settings)
    )


@given(parsers.re(r"the robot will refuse the next message with errcode (?P<errcode>\d+)"))
def robot_will_refuse(robot: VendorReceiver, errcode: str) -> None:
    robot.fail_next(int(errcode))


@then(parsers.re(PARTNER + r"'s channels list an? (?P<kind>\w+) on the robot's host"))
def channels_list(
    api: Api, partners: dict[str, Partner], robot: VendorReceiver, partner: str, kind: str
) -> None:
    listed = succeeded(api.get("secretary", f"/partners/{partners[partner].partner_id}/channels"))
    assert [(c["kind"], c["settings"].get("host")) for c in listed["items"]] == [
        (kind, "127.0.0.1")
    ]


@then(
    parsers.re(
        r"the robot's key is shown to none of the secretary, the auditor and the clerk "
        r"(?P<clerk>\w+)"
    )
)
def key_hidden(api: Api, channel: dict[str, Any], clerk: str) -> None:
    path = f"/partners/{channel['partner'].partner_id}/channels"
    for user in ("secretary", "auditor", clerk):
        shown = json.dumps(succeeded(api.get(user, path)))
        assert WECOM_TOKEN not in shown
        assert DINGTALK_TOKEN not in shown
        single = json.dumps(succeeded(api.get(user, f"{path}/{channel['id']}")))
        assert WECOM_TOKEN not in single


@when(parsers.re(USER + r" sends a test message to the channel"), target_fixture="answer")
def sends_test(api: Api, channel: dict[str, Any], username: str) -> Answer:
    return api.post(username, "/channels/test", {"channel_id": channel["id"]})


@then(
    parsers.re(
        r"the robot has taken (?P<count>\d+) messages?"
        r"(?P<format>, in its vendor's format, linking to the service)?"
    )
)
def robot_took(robot: VendorReceiver, count: str, format: str | None) -> None:
    arrivals = robot.wait_for(int(count)) if int(count) else robot.arrivals
    assert len(arrivals) == int(count)
    for arrival in arrivals if format else ():
        assert arrival.refusal is None, arrival.refusal
        markdown = arrival.payload["markdown"]
        assert SERVICE in markdown.get("content", markdown.get("text", ""))


@then(parsers.re(r"the gateway has taken 1 text for (?P<phone>\d+): " + QUOTED.format("text")))
def gateway_took(robot: VendorReceiver, phone: str, text: str) -> None:
    (arrival,) = robot.wait_for(1)
    assert sms_signed(arrival.headers, arrival.body)
    assert arrival.payload == {"sender_id": "NUJIANG", "phone": phone, "text": text}


@then("the channel's last test reads delivered")
def last_test_delivered(api: Api, channel: dict[str, Any], answer: Answer) -> None:
    assert succeeded(answer)["delivered"] is True, str(answer)
    shown = succeeded(
        api.get("secretary", f"/partners/{channel['partner'].partner_id}/channels/{channel['id']}")
    )
    assert shown["last_test_ok"] is True


@then(parsers.re(r"the test reads not delivered, saying " + QUOTED.format("words")))
def reads_not_delivered(answer: Answer, words: str) -> None:
    result = succeeded(answer)
    assert result["delivered"] is False
    assert words in result["error"]


@when(parsers.re(USER + r" removes the channel"))
def removes(api: Api, channel: dict[str, Any], username: str) -> None:
    path = f"/partners/{channel['partner'].partner_id}/channels/{channel['id']}"
    removed = api.client.delete(f"/api/v1{path}", headers=api._bearer(username))
    assert removed.status_code == 204, removed.json


@then(parsers.re(PARTNER + r" has no channels"))
def no_channels(api: Api, partners: dict[str, Partner], partner: str) -> None:
    listed = succeeded(api.get("secretary", f"/partners/{partners[partner].partner_id}/channels"))
    assert listed == {"items": []}
