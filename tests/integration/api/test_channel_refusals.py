"""Bad channel settings are a 422 naming the field, and nothing is kept: a robot pointed into
the server's own network, plain http in production, a DingTalk secret that is not SEC…, an SMS
template without {link}, a setting another kind of channel takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from partners.channels import checked_channel
from partners.exceptions import InvalidPartnerError
from partners.webhooks import WebhookPolicy
from tests.integration.api.conftest import World

ROBOT = "https://oapi.dingtalk.com/robot/send?access_token=abc"
SMS = {
    "kind": "sms",
    "url": "https://sms.example/send",
    "key": "0123456789abcdef0123",
    "sender_id": "NUJIANG",
    "template": "有新的通知：{link}",
    "phone": "13912345678",
}
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"kind": "wecom_robot", "url": "http://127.0.0.1:8080/cgi-bin/webhook/send?key=k"}, "url"),
    ({"kind": "wecom_robot", "url": "http://10.0.0.5/cgi-bin/webhook/send?key=k"}, "url"),
    ({"kind": "wecom_robot", "url": "http://localhost/send"}, "url"),
    ({"kind": "wecom_robot", "url": "ftp://qyapi.weixin.qq.com/send"}, "url"),
    ({"kind": "wecom_robot"}, "url"),
    ({"kind": "dingtalk_robot", "url": ROBOT, "secret": "abc123"}, "secret"),
    ({"kind": "dingtalk_robot", "url": ROBOT}, "secret"),
    ({**SMS, "template": "有新的通知，请登录查看"}, "template"),
    ({**SMS, "phone": "call me"}, "phone"),
    ({**SMS, "key": "short"}, "key"),
    ({"kind": "email", "address": "not an address"}, "address"),
    ({"kind": "email", "address": "a@b.example", "secret": "SECx"}, "secret"),
    ({"kind": "carrier_pigeon"}, "kind"),
    ({"kind": "email", "address": "a@b.example", "colour": "red"}, "colour"),
]


def test_bad_channel_settings_are_a_422_naming_the_field_and_keep_nothing(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], world: World
) -> None:
    secretary = as_user("secretary")
    path = f"/api/v1/partners/{world.partner_ids['hospital']}/channels"
    for body, field in REFUSED:
        refused = client.post(path, json=body, headers=secretary)
        assert refused.status_code == 422, (body, refused.json)
        assert list(refused.json["errors"]["json"]) == [field], (body, refused.json)
    assert client.get(path, headers=secretary).json == {"items": []}
    assert client.post(path, json=SMS, headers=secretary).status_code == 201


def test_a_robot_over_plain_http_is_refused_in_production() -> None:
    production = WebhookPolicy(require_https=True)
    with pytest.raises(InvalidPartnerError) as refused:
        checked_channel("wecom_robot", "", {"url": "http://qyapi.weixin.qq.com/send"}, production)
    assert refused.value.field == "url"
    assert "https" in refused.value.message
    kept = checked_channel(
        "wecom_robot", "", {"url": "https://qyapi.weixin.qq.com/send?key=k"}, production
    )
    assert kept.sealed == {"url": "https://qyapi.weixin.qq.com/send?key=k"}
