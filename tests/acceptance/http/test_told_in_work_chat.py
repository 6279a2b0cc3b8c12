"""Steps of 'A partner is told of its referrals in its work chat'
(features/partner/told_in_work_chat.feature): the API sets the robot and sends the referrals, and
the notices due are dispatched and delivered here, as a worker would, to a local WeCom robot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then

from tests.acceptance.http.conftest import log, refer
from tests.acceptance.http.support import PARTNER, USER, Api, Partner, succeeded
from tests.integration.conftest import CHEAP_HASHING
from tests.integration.vendor_receivers import VendorReceiver
from tests.privacy import named_in

scenarios("partner/told_in_work_chat.feature")
SERVICE = "https://needs.example"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The robot's stand-in listens on 127.0.0.1; links point at the service's public address."""
    return {**CHEAP_HASHING, "WEBHOOK_ALLOW_PRIVATE": "1", "PUBLIC_URL": SERVICE}


@pytest.fixture
def robot() -> Iterator[VendorReceiver]:
    with VendorReceiver("wecom") as receiver:
        yield receiver


@pytest.fixture
def sent() -> list[str]:
    """The referrals sent in the scenario, by id."""
    return []


@given(parsers.re(PARTNER + r" has no webhook, only its WeCom group's robot"))
def only_a_robot(
    api: Api, partners: dict[str, Partner], robot: VendorReceiver, partner: str
) -> None:
    path = f"/partners/{partners[partner].partner_id}/channels"
    succeeded(api.post("secretary", path, {"kind": "wecom_robot", "url": robot.url}), 201)
    listed = succeeded(api.get("secretary", path))["items"]
    assert [channel["kind"] for channel in listed] == ["wecom_robot"]


@given(parsers.re(r"the robot will refuse the next message with errcode (?P<errcode>\d+)"))
def robot_will_refuse(robot: VendorReceiver, errcode: str) -> None:
    robot.fail_next(int(errcode))


@given(parsers.re(USER + r" has referred (?P<count>\d+) needs to " + PARTNER))
def has_referred_many(
    api: Api, partners: dict[str, Partner], username: str, count: str, partner: str
) -> None:
    for n in range(int(count)):
        fields = {
            "category": "hardship",
            "urgency": "normal",
            "building": str(13 + n % 6),
            "unit": "1",
            "room": str(101 + n),
            "description": "需要帮忙买菜",
        }
        need = succeeded(log(api, username, "B3", fields), 201)
        succeeded(refer(api, username, need, partners[partner].partner_id), 201)


@then(parsers.re(r"the WeCom group has been told (?P<count>\d+) times?"))
def told(robot: VendorReceiver, count: str) -> None:
    taken = robot.taken()
    assert len(taken) == int(count), [a.errcode for a in robot.arrivals]
    assert all(arrival.refusal is None for arrival in robot.arrivals)


@then(
    parsers.re(
        r"the message names block (?P<block>B\d+) and (?P<category>\S+), links to the "
        r"referral's page and names nobody"
    )
)
def message_reads(
    api: Api, robot: VendorReceiver, need: dict[str, Any], block: str, category: str
) -> None:
    (arrival,) = robot.taken()
    content = arrival.payload["markdown"]["content"]
    assert block in content
    assert category in content
    referral = succeeded(api.get("leader3", f"/needs/{need['id']}"))["referrals"][0]
    assert f"{SERVICE}/inbox/{referral['id']}" in content
    assert named_in(content, ("王秀英", "139", "摔倒", "502", need["description"])) == []
