"""Where the directory lets a partner's webhook point: out to the internet over http(s) only —
never into the server's own network (loopback, private ranges, link-local where the cloud's
metadata answers, however the address is written), never with a user and password in the
address, and over https alone in production — unless the deployment allows private addresses
(WEBHOOK_ALLOW_PRIVATE=1: tests and private networks). Each refusal names `webhook_url` and
changes nothing."""

from __future__ import annotations

import pytest

from partners.application import Partners
from partners.exceptions import InvalidPartnerError
from partners.webhooks import WebhookPolicy
from web.config import load_settings

INWARD = [
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:22/",
    "http://127.0.0.1:8080/hooks",
    "http://127.1/hooks",
    "http://2130706433/hooks",  # 127.0.0.1 as one number
    "http://0x7f000001/hooks",
    "http://localhost/hooks",
    "http://api.localhost./hooks",
    "http://0.0.0.0:6379/",
    "http://10.0.0.5/hooks",
    "http://172.16.3.4/hooks",
    "http://192.168.1.20/hooks",
    "http://100.64.0.1/hooks",  # carrier-grade NAT
    "http://[fd00::1]/hooks",
    "http://[fe80::1]/hooks",
    "http://[::ffff:127.0.0.1]/hooks",
    "http://[::ffff:a9fe:a9fe]/hooks",  # 169.254.169.254, mapped into IPv6
    "http://[64:ff9b::a00:1]/hooks",  # 10.0.0.1 through NAT64
]
WITH_CREDENTIALS = ["https://user:secret@hooks.example/needs", "https://token@hooks.example/"]
NOT_HTTP = ["ftp://hooks.example/", "file:///etc/passwd", "gopher://hooks.example:70/", "hooks"]
PUBLIC = ["https://hooks.example/needs", "http://203.0.114.9:8080/hooks", "https://[2606:4700::1]/"]


def directory(**policy: bool) -> Partners:
    return Partners(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, webhook_policy=WebhookPolicy(**policy)
    )


def register(partners: Partners, webhook_url: str = "") -> object:
    return partners.register_partner(
        community="c",
        name="物业公司",
        kind="property",
        categories=["hardship"],
        blocks=["*"],
        weekly_capacity=5,
        actor="secretary",
        webhook_url=webhook_url,
    )


def test_by_default_a_webhook_may_not_point_into_the_servers_own_network() -> None:
    partners = directory()
    partner_id = register(partners)
    for url in INWARD + WITH_CREDENTIALS + NOT_HTTP:
        with pytest.raises(InvalidPartnerError) as raised:
            partners.set_webhook(partner_id, webhook_url=url, actor="secretary")
        assert raised.value.field == "webhook_url", url
        with pytest.raises(InvalidPartnerError):
            register(partners, url)
    assert partners.get_partner(partner_id).version == 1
    assert len(partners.list_partners()) == 1
    for url in PUBLIC:
        partners.set_webhook(partner_id, webhook_url=url, actor="secretary")
        assert partners.get_partner(partner_id).webhook_url == url


def test_allowing_private_addresses_lets_them_in_but_never_other_schemes_or_credentials() -> None:
    partners = directory(allow_private=True)
    partner_id = register(partners)
    for url in INWARD:
        partners.set_webhook(partner_id, webhook_url=url, actor="secretary")
        assert partners.get_partner(partner_id).webhook_url == url
    for url in WITH_CREDENTIALS + NOT_HTTP:
        with pytest.raises(InvalidPartnerError, match=r"webhook_url: "):
            partners.set_webhook(partner_id, webhook_url=url, actor="secretary")


def test_production_requires_https_unless_private_addresses_are_allowed(tmp_path) -> None:
    secrets = {"NEEDS_ENV": "production", "SECRET_KEY": "s" * 40, "CIPHER_KEY": "k"}
    production = load_settings(str(tmp_path), environ=secrets)
    private = load_settings(str(tmp_path), environ={**secrets, "WEBHOOK_ALLOW_PRIVATE": "1"})
    development = load_settings(str(tmp_path), environ={})
    assert production.webhook_policy == WebhookPolicy(allow_private=False, require_https=True)
    assert private.webhook_policy == WebhookPolicy(allow_private=True, require_https=False)
    assert development.webhook_policy == WebhookPolicy(allow_private=False, require_https=False)
    partners = directory(require_https=True)
    partner_id = register(partners)
    with pytest.raises(InvalidPartnerError, match="https"):
        partners.set_webhook(partner_id, webhook_url="http://hooks.example/", actor="secretary")
    partners.set_webhook(partner_id, webhook_url="https://hooks.example/", actor="secretary")
