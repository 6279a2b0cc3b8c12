"""Channels: where an owner (a partner, later a block or the secretary) is told of what happens —
`webhook` (the partner's signed webhook, kept on the partner), `email`, `wecom_robot` (a WeCom
group robot), `dingtalk_robot` (a DingTalk custom robot, signed with its `SEC…` secret) and
`sms` (an HTTP SMS gateway, each request signed with the gateway's key).

A channel's settings are split in two: what may be shown again (an email address, the SMS
sender id and template, the robot's host) and what may not (a robot's URL carries its access
token, the DingTalk secret, the SMS gateway's key and the phone it texts), which is sealed at
rest and never shown after it is set. Addresses follow the webhook rules (partners/webhooks.py):
no loopback or private addresses, https in production. Plain Python, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kernel.checks import ArgumentChecks
from partners.exceptions import InvalidPartnerError
from partners.webhooks import WebhookPolicy, url_refusal

WEBHOOK, EMAIL, WECOM, DINGTALK, SMS = "webhook", "email", "wecom_robot", "dingtalk_robot", "sms"
KINDS = (WEBHOOK, EMAIL, WECOM, DINGTALK, SMS)
# Where an SMS template puts the link to the page (the reader signs in there).
LINK_PLACEHOLDER = "{link}"
MAX_URL_LENGTH = 500
MAX_TEMPLATE_LENGTH = 300
_check = ArgumentChecks(InvalidPartnerError, 100, MAX_URL_LENGTH)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")
_SENDER = re.compile(r"^[A-Za-z0-9_\-]{1,32}$")
# The fields each kind takes; the sealed ones are never shown again once set.
FIELDS: dict[str, tuple[str, ...]] = {
    WEBHOOK: ("url",),
    EMAIL: ("address",),
    WECOM: ("url",),
    DINGTALK: ("url", "secret"),
    SMS: ("url", "key", "sender_id", "template", "phone"),
}
SEALED: dict[str, tuple[str, ...]] = {
    WEBHOOK: (),
    EMAIL: (),
    WECOM: ("url",),
    DINGTALK: ("url", "secret"),
    SMS: ("url", "key", "phone"),
}


@dataclass(frozen=True)
class ChannelSettings:
    """A channel's checked settings: `shown` may be read back; `sealed` never is."""

    kind: str
    name: str
    shown: dict[str, str]
    sealed: dict[str, str]


def checked_channel(
    kind: str, name: str, given: Mapping[str, Any], policy: WebhookPolicy
) -> ChannelSettings:
    """The channel's settings, checked; InvalidPartnerError names the first field at fault."""
    if kind not in KINDS:
        raise InvalidPartnerError("kind", f"kind must be one of {', '.join(KINDS)}")
    wanted = FIELDS[kind]
    for field in given:
        if field not in wanted:
            raise InvalidPartnerError(field, f"{field} is not a setting of a {kind} channel")
    values = {field: _text(field, given.get(field)) for field in wanted}
    for field in wanted:
        if not values[field]:
            raise InvalidPartnerError(field, f"a {kind} channel needs {field}")
    if "url" in values:
        _check_url(values["url"], policy)
    if kind == EMAIL and not _EMAIL.match(values["address"]):
        raise InvalidPartnerError("address", "address must be an email address")
    if kind == DINGTALK and not values["secret"].startswith("SEC"):
        raise InvalidPartnerError(
            "secret", "secret must be the robot's signing secret, which starts with SEC"
        )
    if kind == SMS:
        _check_sms(values)
    label = _check.optional_text("name", name, 100) or _default_name(kind, values)
    sealed = {field: values[field] for field in SEALED[kind]}
    shown = {field: value for field, value in values.items() if field not in sealed}
    if "url" in sealed:
        shown["host"] = urlsplit(values["url"]).hostname or ""
    return ChannelSettings(kind=kind, name=label, shown=shown, sealed=sealed)


def _text(field: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidPartnerError(field, f"{field} must be text")
    return _check.optional_text(field, value, MAX_URL_LENGTH)


def _check_url(url: str, policy: WebhookPolicy) -> None:
    refusal = url_refusal(url, policy)
    if refusal is not None:
        raise InvalidPartnerError("url", f"url: {refusal}")


def _check_sms(values: dict[str, str]) -> None:
    template = values["template"]
    if LINK_PLACEHOLDER not in template:
        raise InvalidPartnerError(
            "template", f"template must hold {LINK_PLACEHOLDER}, where the link to the page goes"
        )
    if len(template) > MAX_TEMPLATE_LENGTH:
        raise InvalidPartnerError(
            "template", f"template must be at most {MAX_TEMPLATE_LENGTH} characters"
        )
    if not _SENDER.match(values["sender_id"]):
        raise InvalidPartnerError(
            "sender_id", "sender_id must be 1 to 32 letters, digits, '_' or '-'"
        )
    phone = values["phone"].replace(" ", "").replace("-", "")
    if not _PHONE.match(phone):
        raise InvalidPartnerError("phone", "phone must be a phone number, digits only")
    values["phone"] = phone
    if len(values["key"]) < 16:
        raise InvalidPartnerError("key", "key must be at least 16 characters")


def _default_name(kind: str, values: dict[str, str]) -> str:
    if kind == EMAIL:
        return values["address"]
    host = urlsplit(values.get("url", "")).hostname or ""
    return f"{kind} {host}".strip()
