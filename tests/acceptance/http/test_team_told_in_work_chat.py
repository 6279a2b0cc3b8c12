"""Steps of 'Block leaders and the secretary are told in their own work chat'
(features/block_leader/told_in_work_chat.feature): the API keeps the block's and the secretary's
channels, and the notices due are dispatched and delivered here, as a worker would, to local
WeCom and DingTalk robots that check each vendor's format and signature."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.clock import ManualClock
from tests.acceptance.http.conftest import dispatched
from tests.acceptance.http.support import QUOTED, USER, Answer, Api, succeeded
from tests.integration.conftest import CHEAP_HASHING
from tests.integration.vendor_receivers import DINGTALK_SECRET, VendorReceiver
from tests.privacy import named_in
from web import services
from web.tasks.delivery import Notifier

scenarios("block_leader/told_in_work_chat.feature")
SERVICE = "https://needs.example"
PERSONAL = ("王秀英", "139", "摔倒", "502")


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The robots' stand-ins listen on 127.0.0.1; links point at the service's public address."""
    return {**CHEAP_HASHING, "WEBHOOK_ALLOW_PRIVATE": "1", "PUBLIC_URL": SERVICE}


@pytest.fixture
def robots() -> Iterator[dict[str, VendorReceiver]]:
    with VendorReceiver("wecom") as wecom, VendorReceiver("dingtalk") as dingtalk:
        yield {"WeCom": wecom, "DingTalk": dingtalk}


def _robot_channel(robot: VendorReceiver) -> dict[str, str]:
    if robot.vendor == "dingtalk":
        return {"kind": "dingtalk_robot", "url": robot.url, "secret": DINGTALK_SECRET}
    return {"kind": "wecom_robot", "url": robot.url}


@given(parsers.re(USER + r" has given block (?P<block>B\d) their DingTalk group's robot"))
def block_robot(api: Api, robots: dict[str, VendorReceiver], username: str, block: str) -> None:
    path = f"/blocks/{block}/channels"
    succeeded(api.post(username, path, _robot_channel(robots["DingTalk"])), 201)
    assert [c["kind"] for c in succeeded(api.get(username, path))["items"]] == ["dingtalk_robot"]


@given("the secretary has given their own channels the WeCom group's robot")
def secretary_robot(api: Api, robots: dict[str, VendorReceiver]) -> None:
    succeeded(api.post("secretary", "/secretary/channels", _robot_channel(robots["WeCom"])), 201)


@when(parsers.re(USER + r" assigns the need to (?P<assignee>\w+)"))
def assigns(api: Api, need: dict[str, Any], username: str, assignee: str) -> None:
    succeeded(api.post(username, f"/needs/{need['id']}/assign", {"assignee": assignee}))


@when("the morning's digest is sent and the notices due are dispatched")
def digest_sent(app: Flask, clock: ManualClock) -> None:
    with app.app_context():
        Notifier(services(), None, rng=random.Random(3)).team.send_digests(clock.now())
    dispatched(app, clock)


@when(
    parsers.re(USER + r" gives block (?P<block>B\d) an? (?P<kind>WeCom robot|email channel)"),
    target_fixture="answer",
)
def gives(api: Api, username: str, block: str, kind: str) -> Answer:
    body = (
        {"kind": "wecom_robot", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}
        if kind == "WeCom robot"
        else {"kind": "email", "address": "b3@nujiang.example"}
    )
    return api.post(username, f"/blocks/{block}/channels", body)


@then(
    parsers.re(
        r"the (?P<vendor>WeCom|DingTalk) group has been told (?P<count>\d+) times?"
        r"(?P<signed>, signed with its secret)?"
    )
)
def told(robots: dict[str, VendorReceiver], vendor: str, count: str, signed: str | None) -> None:
    robot = robots[vendor]
    assert len(robot.taken()) == int(count), [a.refusal for a in robot.arrivals]
    assert all(arrival.refusal is None for arrival in robot.arrivals)  # the signature held


def _content(robots: dict[str, VendorReceiver]) -> str:
    (arrival,) = [a for robot in robots.values() for a in robot.taken()]
    markdown = arrival.payload["markdown"]
    text = markdown.get("content") or markdown["text"]
    assert named_in(text, PERSONAL) == []  # a whole group reads it
    return str(text)


@then(
    parsers.re(
        r"the message says " + QUOTED.format("title") + r", names block (?P<block>B\d) and "
        r"(?P<category>\S+), links to the need's page and names nobody"
    )
)
def says_of_the_need(
    robots: dict[str, VendorReceiver], need: dict[str, Any], title: str, block: str, category: str
) -> None:
    text = _content(robots)
    assert title in text
    assert block in text
    assert category in text
    assert f"{SERVICE}/needs/{need['id']}" in text
    assert need["description"] not in text


@then(
    parsers.re(
        r"the message says " + QUOTED.format("title") + r", counts (?P<count>\d+) need overdue "
        r"for first contact and links to the board"
    )
)
def says_the_digest(robots: dict[str, VendorReceiver], title: str, count: str) -> None:
    text = _content(robots)
    assert title in text
    assert f"overdue for first contact: {count}" in text
    assert f"{SERVICE}/board" in text
