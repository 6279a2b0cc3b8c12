"""An API on a fresh store (SQLite and PostgreSQL), with the people and partners the tests
act as: the secretary, two block leaders, an auditor and two partners' clerks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kernel.community import DEMO_COMMUNITY
from tests.integration.conftest import PASSWORD
from web import services

COMMUNITY = DEMO_COMMUNITY.id
PARTNERS = {
    "hospital": ("利群医院", "hospital", ["emergency", "hardship", "worry_relief"], ["*"]),
    "police": ("长征派出所", "police", ["emergency", "mediation"], ["*"]),
    "property": ("物业公司", "property", ["emergency", "hardship"], ["*"]),
    "greening": ("绿化市容", "government", ["hardship"], ["B1", "B2", "B3", "B4"]),
}


@dataclass
class World:
    """Who is who in the tests' community."""

    partner_ids: dict[str, UUID]


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        running = services()
        partner_ids = {
            user: running.partners.register_partner(
                community=COMMUNITY,
                name=name,
                kind=kind,
                categories=categories,
                blocks=blocks,
                weekly_capacity=10,
                actor="setup",
            )
            for user, (name, kind, categories, blocks) in PARTNERS.items()
        }
        people: list[dict[str, Any]] = [
            {"username": "secretary", "role": "secretary"},
            {"username": "leader3", "role": "block_leader", "blocks": ["B3"]},
            {"username": "leader5", "role": "block_leader", "blocks": ["B5"]},
            {"username": "auditor", "role": "auditor"},
            *(
                {"username": user, "role": "partner", "partner_id": pid}
                for user, pid in partner_ids.items()
            ),
        ]
        for person in people:
            running.accounts.register_user(
                community=COMMUNITY, password=PASSWORD, actor="setup", **person
            )
    return World(partner_ids)


@pytest.fixture
def client(app: Flask, world: World) -> FlaskClient:
    return app.test_client()


NEED = {
    "category": "emergency",
    "block": "B3",
    "household": {"building": "15号楼", "unit": "2", "room": "502"},
    "resident_name": "王秀英",
    "contact_phone": "139 1234 5678",
    "description": "独居老人摔倒，无法起身",
    "urgency": "high",
    "consent_to_share": True,
}


@pytest.fixture
def log_need(client: FlaskClient, as_user: Callable[[str], dict[str, str]]) -> Callable[..., Any]:
    """POST /needs as a user (leader3 by default); keyword arguments override the body,
    and one given as None is left out."""

    def post(user: str = "leader3", headers: dict[str, str] | None = None, **body: Any) -> Any:
        sent = {k: v for k, v in {**NEED, **body}.items() if v is not None}
        return client.post("/api/v1/needs", json=sent, headers={**as_user(user), **(headers or {})})

    return post


@pytest.fixture
def need(log_need: Callable[..., Any]) -> dict[str, Any]:
    """A need logged in B3 by leader3, with the resident's consent."""
    response = log_need()
    assert response.status_code == 201, response.json
    return dict(response.json)


@pytest.fixture
def referral(
    client: FlaskClient,
    as_user: Callable[[str], dict[str, str]],
    need: dict[str, Any],
    world: World,
) -> dict[str, Any]:
    """The need referred to the hospital by leader3."""
    response = client.post(
        f"/api/v1/needs/{need['id']}/referrals",
        json={"partner_id": str(world.partner_ids["hospital"]), "note": "请医生上门"},
        headers=as_user("leader3"),
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


API = "/api/v1"


@dataclass
class Scene:
    """The API as the tests' people call it, about one need referred to the hospital."""

    client: FlaskClient
    as_user: Callable[[str], dict[str, str]]
    world: World
    need: dict[str, Any]
    referral: dict[str, Any]

    def post(self, user: str, path: str, body: dict[str, Any], key: str | None = None) -> Any:
        headers = self.as_user(user)
        if key is not None:
            headers = {**headers, "Idempotency-Key": key}
        return self.client.post(f"{API}{path}", json=body, headers=headers)

    def done(self, user: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.post(user, path, body)
        assert answer.status_code in (200, 201), answer.json
        return dict(answer.json)

    @property
    def household(self) -> str:
        return str(self.need["household"]["id"])

    def partner(self, name: str) -> str:
        return str(self.world.partner_ids[name])

    def a_duty(self) -> str:
        made = self.done(
            "leader3", f"/households/{self.household}/life-events", {"type": "moved_in"}
        )
        return str(made["duties"][-1]["id"])

    def a_record(self) -> str:
        body = {"kind": "concern", "block": "B3", "household_id": self.household, "text": "漏水"}
        return str(self.done("leader3", "/records", body)["id"])


@pytest.fixture
def scene(
    client: FlaskClient,
    as_user: Callable[[str], dict[str, str]],
    world: World,
    need: dict[str, Any],
    referral: dict[str, Any],
) -> Scene:
    return Scene(client, as_user, world, need, referral)


def on_need(verb: str) -> Callable[[Scene], str]:
    """The path of a command on the scene's need."""
    return lambda scene: f"/needs/{scene.need['id']}/{verb}"


def on_referral(verb: str) -> Callable[[Scene], str]:
    """The path of a step of the scene's referral."""
    return lambda scene: f"/referrals/{scene.referral['id']}/{verb}"
