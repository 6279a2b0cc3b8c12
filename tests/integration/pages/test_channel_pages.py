"""Channels kept on a phone: a block leader sets their block's DingTalk robot, sends it a test
message that arrives signed, and removes it; settings that cannot work are shown again with the
field named; a secret is never shown again; nobody keeps another's channels."""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask import Flask

from tests.integration.pages.conftest import COMMUNITY, Phone, log_need, partner_id, text
from tests.integration.vendor_receivers import DINGTALK_SECRET, VendorReceiver
from web import services
from web.tasks.delivery import Notifier


@pytest.fixture
def page_config() -> dict[str, Any]:
    """The robot's stand-in listens on 127.0.0.1: a deployment that allows private addresses."""
    return {"WEBHOOK_ALLOW_PRIVATE": "1", "PUBLIC_URL": "https://needs.example"}


def channels_of(app: Flask, owner: str) -> list[Any]:
    with app.app_context():
        return services().channels.list_channels(COMMUNITY, owner)


def test_a_leader_sets_tests_and_removes_their_blocks_dingtalk_robot(
    app: Flask, leader: Phone, dingtalk: VendorReceiver
) -> None:
    assert leader.open("/channels?lang=en").status_code == 200
    page = leader.open("/channels/block-B3")
    assert page.status_code == 200
    sent = leader.send(
        "/channels/block-B3", kind="dingtalk_robot", url=dingtalk.url, secret=DINGTALK_SECRET
    )
    assert sent.status_code == 302
    (channel,) = channels_of(app, "block:B3")
    html = text(leader.open("/channels/block-B3"))
    assert "127.0.0.1" in html  # the host is shown
    assert DINGTALK_SECRET not in html  # the secret never is
    assert "access_token" not in html
    tested = leader.send(f"/channels/block-B3/{channel.channel_id}/test")
    assert tested.status_code == 302
    (arrival,) = dingtalk.wait_for(1)
    assert arrival.refusal is None  # signed as DingTalk checks
    assert "https://needs.example/" in arrival.payload["markdown"]["text"]
    assert channels_of(app, "block:B3")[0].last_test_ok is True
    removed = leader.send(f"/channels/block-B3/{channel.channel_id}/remove")
    assert removed.status_code == 302
    assert channels_of(app, "block:B3") == []


def test_settings_that_cannot_work_are_shown_again_naming_the_field(
    app: Flask, leader: Phone
) -> None:
    leader.open("/channels/block-B3?lang=en")
    refused = leader.send(
        "/channels/block-B3",
        kind="dingtalk_robot",
        url="https://oapi.dingtalk.com/robot/send?access_token=t",
        secret="abc",
    )
    assert refused.status_code == 422
    assert 'id="secret-error"' in text(refused)
    assert channels_of(app, "block:B3") == []


def test_nobody_keeps_anothers_channels(app: Flask, leader: Phone, phone: Phone) -> None:
    assert leader.open("/channels/block-B5").status_code == 404
    assert leader.open("/channels/secretary").status_code == 404
    hospital = partner_id(app, "hospital")
    assert leader.open(f"/channels/partner-{hospital}").status_code == 404
    assert leader.open("/channels/partner-not-an-id").status_code == 404


def test_the_secretary_keeps_a_partners_and_their_own(app: Flask, phone: Phone) -> None:
    assert phone.sign_in("secretary").status_code == 302
    hospital = partner_id(app, "hospital")
    overview = text(phone.open("/channels?lang=en"))
    assert f"/channels/partner-{hospital}" in overview
    assert "/channels/secretary" in overview
    assert "/channels/block-B3" in overview
    sent = phone.send(f"/channels/partner-{hospital}", kind="email", address="duty@liqun.example")
    assert sent.status_code == 302
    assert [c.kind for c in channels_of(app, f"partner:{hospital}")] == ["email"]
    refused = phone.send("/channels/secretary", kind="email", address="me@nujiang.example")
    assert refused.status_code == 422  # the committee's own channels are robots and SMS


def test_a_channel_whose_last_five_attempts_failed_is_red_on_the_board(
    app: Flask, phone: Phone, wecom: VendorReceiver, clock: Any
) -> None:
    assert phone.sign_in("secretary").status_code == 302
    phone.open("/channels/block-B3")
    phone.send("/channels/block-B3", kind="wecom_robot", url=wecom.url, name="三块区群")
    assert "failing-channels-title" not in text(phone.open("/board"))
    wecom.fail_next(*[93000] * 5)
    needs = [log_need(app, room=f"{601 + room}") for room in range(5)]
    with app.app_context():
        running = services()
        for need_id in needs:
            running.needs.assign(need_id, "leader3", actor="secretary")
        notifier = Notifier(running, None, rng=random.Random(2))
        now = clock.now()
        notifier.dispatch_due(now, send=lambda item: notifier.deliver(item, now) and None)
    assert len(wecom.wait_for(5)) == 5
    board = text(phone.open("/board?lang=en"))
    assert "failing-channels-title" in board
    assert "三块区群" in board
    assert "errcode 93000" in board
    assert 'href="/channels/block-B3"' in board
