"""What the scope tests share: the commands tried from the wrong side, the error body every
refusal carries, and a need in another block."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from flask.testing import FlaskClient

from .conftest import World

API = "/api/v1"
PERSONAL = ("resident_name", "contact_phone", "household", "description")
NEED_COMMANDS: dict[str, dict[str, Any]] = {
    "assign": {"assignee": "leader5"},
    "visits": {"notes": "上门看望，老人情况稳定"},
    "notes": {"text": "已联系家属"},
    "urgency": {"urgency": "critical", "reason": "情况恶化"},
    "consent": {"consent_to_share": False},
    "resolve": {"outcome": "helped", "summary": "已送医"},
    "reopen": {"reason": "再次摔倒"},
}
PARTNER_ANSWERS: dict[str, dict[str, Any]] = {
    "accept": {"note": "明天上门"},
    "decline": {"reason": "no_capacity", "note": "本周已满"},
    "complete": {"outcome": "helped", "note": "已处理"},
}
B5_NEED = {
    "block": "B5",
    "category": "hardship",
    "household": {"building": "26号楼", "unit": "1", "room": "301"},
    "resident_name": "李建国",
    "description": "家中漏水，需要帮忙",
    "urgency": "normal",
}

Headers = Callable[[str], dict[str, str]]


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The status, with the API's JSON error body (and nothing else in it)."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json(silent=True)
    assert isinstance(body, dict), response.get_data(as_text=True)
    assert set(body) == {"code", "status", "message"} | ({"errors"} if status == 422 else set())
    assert body["code"] == status
    assert body["status"] == HTTPStatus(status).phrase
    assert isinstance(body["message"], str)
    assert body["message"].strip()
    return body


def refer_body(world: World, partner: str = "hospital", **extra: Any) -> dict[str, Any]:
    return {"partner_id": str(world.partner_ids[partner]), "note": "请医生上门", **extra}


def need_now(client: FlaskClient, as_user: Headers, need_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/needs/{need_id}", headers=as_user("secretary"))
    assert response.status_code == 200
    return dict(response.json)


def referral_now(client: FlaskClient, as_user: Headers, referral_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/referrals/{referral_id}", headers=as_user("secretary"))
    assert response.status_code == 200
    return dict(response.json)


def assert_partners_untouched(client: FlaskClient, as_user: Headers, world: World) -> None:
    """Still the partners the tests registered, all active and without a webhook."""
    listed = client.get(f"{API}/partners?per_page=200", headers=as_user("secretary")).json
    directory = listed["items"] if isinstance(listed, dict) else listed
    assert {p["id"] for p in directory} == {str(i) for i in world.partner_ids.values()}
    assert all(p["active"] and p["webhook_url"] is None for p in directory)


@pytest.fixture
def b5_need(log_need: Callable[..., Any]) -> dict[str, Any]:
    """A need logged in B5 by its leader."""
    response = log_need(user="leader5", **B5_NEED)
    assert response.status_code == 201, response.json
    return dict(response.json)
