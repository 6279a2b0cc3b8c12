"""Idempotency-Key on POST: a phone that retries gets the first answer and never a second case;
the same key with another body is a 422; keys are per user and survive a new process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask

from kernel.clock import ManualClock
from tests.integration.conftest import CHEAP_HASHING
from web import create_app

from .conftest import NEED, PASSWORD, World

API = "/api/v1"
Headers = Callable[[str], dict[str, str]]


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def total_needs(client: Any, headers: dict[str, str]) -> int:
    response = client.get(f"{API}/needs", headers=headers)
    assert response.status_code == 200
    return int(response.json["total"])


@pytest.fixture
def second_app(database_url: str, clock: ManualClock, app: Flask) -> Iterator[Flask]:
    """Another process's app on the same store (tables exist already: no init-db)."""
    other = create_app({"DATABASE_URL": database_url, "CLOCK": clock, **CHEAP_HASHING})
    other.config["TESTING"] = True
    yield other
    built = other.extensions.get("needs.services")
    if built is not None:
        built.close()


def test_the_same_key_and_body_answer_the_first_response_and_log_one_need(
    client, as_user, log_need
):
    key = str(uuid4())
    headers = {"Idempotency-Key": key}
    first = log_need(headers=headers)
    again = log_need(headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json["id"] == first.json["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.json == first.json
    assert total_needs(client, as_user("secretary")) == 1


def test_the_same_key_on_a_command_does_it_once(client, as_user, need, world: World):
    leader3 = keyed(as_user("leader3"), str(uuid4()))
    path = f"{API}/needs/{need['id']}/notes"
    first = client.post(path, json={"text": "已联系家属"}, headers=leader3)
    again = client.post(path, json={"text": "已联系家属"}, headers=leader3)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json["version"] == first.json["version"]
    now = client.get(f"{API}/needs/{need['id']}", headers=as_user("secretary")).json
    assert [n["text"] for n in now["notes"]] == ["已联系家属"]

    refer = keyed(as_user("leader3"), str(uuid4()))
    body = {"partner_id": str(world.partner_ids["hospital"]), "note": "请医生上门"}
    sent = client.post(f"{API}/needs/{need['id']}/referrals", json=body, headers=refer)
    resent = client.post(f"{API}/needs/{need['id']}/referrals", json=body, headers=refer)
    assert (sent.status_code, resent.status_code) == (201, 201)
    assert resent.json["id"] == sent.json["id"]
    now = client.get(f"{API}/needs/{need['id']}", headers=as_user("secretary")).json
    assert [r["id"] for r in now["referrals"]] == [sent.json["id"]]


def test_the_same_key_with_another_body_is_a_422(client, as_user, log_need):
    headers = {"Idempotency-Key": str(uuid4())}
    first = log_need(headers=headers)
    assert first.status_code == 201
    other = log_need(headers=headers, description="另一件事", urgency="low")
    assert other.status_code == 422, other.get_data(as_text=True)
    body = other.json
    assert {"code", "status", "message"} <= set(body) <= {"code", "status", "message", "errors"}
    assert (body["code"], body["status"]) == (422, HTTPStatus(422).phrase)
    assert body["message"]
    assert total_needs(client, as_user("secretary")) == 1
    # ...and the first answer is still what a retry of the first request gets.
    retried = log_need(headers=headers)
    assert (retried.status_code, retried.json["id"]) == (201, first.json["id"])


def test_another_user_with_the_same_key_is_independent(client, as_user, log_need):
    key = str(uuid4())
    by_leader = log_need(user="leader3", headers={"Idempotency-Key": key})
    by_secretary = log_need(user="secretary", headers={"Idempotency-Key": key}, duplicate_ok=True)
    assert (by_leader.status_code, by_secretary.status_code) == (201, 201)
    assert by_leader.json["id"] != by_secretary.json["id"]
    assert (by_leader.json["logged_by"], by_secretary.json["logged_by"]) == (
        "leader3",
        "secretary",
    )
    assert total_needs(client, as_user("secretary")) == 2


def test_a_key_holds_across_a_new_app_on_the_same_store(
    client, as_user, log_need, second_app: Flask
):
    key = str(uuid4())
    first = log_need(headers={"Idempotency-Key": key})
    assert first.status_code == 201

    restarted = second_app.test_client()
    signed_in = restarted.post(
        f"{API}/auth/tokens", json={"username": "leader3", "password": PASSWORD}
    )
    assert signed_in.status_code == 201, signed_in.get_data(as_text=True)
    leader3 = {"Authorization": f"Bearer {signed_in.json['token']}"}
    again = restarted.post(f"{API}/needs", json=NEED, headers=keyed(leader3, key))
    assert again.status_code == 201, again.get_data(as_text=True)
    assert again.json["id"] == first.json["id"]
    other = restarted.post(
        f"{API}/needs", json={**NEED, "urgency": "low"}, headers=keyed(leader3, key)
    )
    assert other.status_code == 422, other.get_data(as_text=True)
    assert total_needs(restarted, leader3) == 1
    assert total_needs(client, as_user("secretary")) == 1
