"""The service on a fresh store (SQLite and PostgreSQL) with partners whose webhooks point at a
receiver in the test, the people who use it, and a notifier that delivers in the test's process.
The worker tests (test_worker.py) bring their own real worker instead."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kernel.community import DEMO_COMMUNITY
from tests.integration.conftest import CHEAP_HASHING, PASSWORD
from tests.integration.tasks.receivers import Receiver
from web.bootstrap import Services
from web.tasks.delivery import Notifier

COMMUNITY = DEMO_COMMUNITY.id
# name, kind, categories, blocks, contact
PARTNERS = {
    "hospital": ("利群医院", "hospital", ["emergency", "hardship", "worry_relief"], ["*"]),
    "police": ("长征派出所", "police", ["emergency", "mediation"], ["*"]),
    "property": ("物业公司", "property", ["emergency", "hardship"], ["*"]),
}


@dataclass(frozen=True)
class Partner:
    """A registered partner and the webhook secret it was shown once."""

    partner_id: UUID
    name: str
    secret: str


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The partners' webhooks point at a receiver on 127.0.0.1: a deployment that allows
    private addresses (refused by default)."""
    return {**CHEAP_HASHING, "WEBHOOK_ALLOW_PRIVATE": "1"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as started:
        yield started


@pytest.fixture
def partners(running: Services, receiver: Receiver) -> dict[str, Partner]:
    """The partners, each with a webhook at the receiver."""
    registered = {}
    for key, (name, kind, categories, blocks) in PARTNERS.items():
        partner_id = running.partners.register_partner(
            community=COMMUNITY,
            name=name,
            kind=kind,
            categories=categories,
            blocks=blocks,
            weekly_capacity=10,
            actor="secretary",
        )
        secret = running.partners.set_webhook(
            partner_id, webhook_url=receiver.url, actor="secretary"
        )
        registered[key] = Partner(partner_id, name, secret)
    for person in (
        {"username": "secretary", "role": "secretary"},
        {"username": "leader3", "role": "block_leader", "blocks": ["B3"]},
        {"username": "leader5", "role": "block_leader", "blocks": ["B5"]},
        {
            "username": "hospital",
            "role": "partner",
            "partner_id": registered["hospital"].partner_id,
        },
    ):
        running.accounts.register_user(
            community=COMMUNITY, password=PASSWORD, actor="setup", **person
        )
    return registered


@pytest.fixture
def log_need(running: Services) -> Callable[..., UUID]:
    """Log a need in B3, building 15, by leader3; keyword arguments override the defaults."""

    def log(**overrides: Any) -> UUID:
        fields: dict[str, Any] = {
            "community": COMMUNITY,
            "category": "emergency",
            "block": "B3",
            "building": 15,
            "unit": "2",
            "room": "502",
            "resident_name": "王秀英",
            "contact_phone": "139 1234 5678",
            "description": "独居老人摔倒，无法起身",
            "urgency": "critical",
            "consent_to_share": True,
            "actor": "leader3",
        }
        fields.update(overrides)
        return running.casework.log_need(**fields)

    return log


@pytest.fixture
def notifier(running: Services) -> Notifier:
    return Notifier(running, None, rng=random.Random(5))


@pytest.fixture
def deliver_due(notifier: Notifier) -> Callable[[datetime], list[str]]:
    """Dispatch what is due at a moment and deliver it here and now, as a worker would."""

    def run(now: datetime) -> list[str]:
        statuses: list[str] = []
        notifier.dispatch_due(now, send=lambda d: statuses.append(notifier.deliver(d, now)))
        return statuses

    return run


@pytest.fixture
def client(app: Flask, partners: dict[str, Partner]) -> FlaskClient:
    return app.test_client()


# Where the store makes no difference to what a test proves, SQLite alone keeps the suite quick.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
