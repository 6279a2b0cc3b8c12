"""Every status API.md names, each answered with the contract's JSON error body:
exactly `code` (the status), `status` (its reason phrase), `message` and, for 422, `errors`."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.exceptions import AccountsError
from kernel.errors import DomainError

from .conftest import NEED, PASSWORD

API = "/api/v1"
Headers = Callable[[str], dict[str, str]]


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The status, with the API's JSON error body and nothing else in it."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json(silent=True)
    assert isinstance(body, dict), response.get_data(as_text=True)
    assert set(body) == {"code", "status", "message"} | ({"errors"} if status == 422 else set())
    assert isinstance(body["code"], int)
    assert body["code"] == status
    assert body["status"] == HTTPStatus(status).phrase
    assert isinstance(body["message"], str)
    assert body["message"].strip()
    return body


def need_now(client: FlaskClient, as_user: Headers, need_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/needs/{need_id}", headers=as_user("secretary"))
    assert response.status_code == 200
    return dict(response.json)


def referral_now(client: FlaskClient, as_user: Headers, referral_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/referrals/{referral_id}", headers=as_user("secretary"))
    assert response.status_code == 200
    return dict(response.json)


def needs_total(client: FlaskClient, as_user: Headers) -> int:
    return int(client.get(f"{API}/needs", headers=as_user("secretary")).json["total"])


# --- 400 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ['{"category": "emergency", ', "not json at all", '{"block": "B3",}', "\xff\xfe"]
)
def test_malformed_json_is_a_400(client, as_user, raw):
    response = client.post(
        f"{API}/needs",
        data=raw.encode("latin-1"),
        content_type="application/json",
        headers=as_user("leader3"),
    )
    assert_error(response, 400)
    assert needs_total(client, as_user) == 0


def test_malformed_json_on_a_command_is_a_400_and_changes_nothing(client, as_user, need):
    response = client.post(
        f"{API}/needs/{need['id']}/notes",
        data=b'{"text": "oops"',
        content_type="application/json",
        headers=as_user("leader3"),
    )
    assert_error(response, 400)
    assert need_now(client, as_user, need["id"])["version"] == need["version"]


# --- 401 --------------------------------------------------------------------------------------


def test_no_token_is_a_401(client):
    body = assert_error(client.get(f"{API}/needs"), 401)
    assert "Bearer" in body["message"]


def test_wrong_credentials_are_a_401(client):
    response = client.post(
        f"{API}/auth/tokens", json={"username": "leader3", "password": "not the password"}
    )
    body = assert_error(response, 401)
    assert PASSWORD not in body["message"]
    response = client.post(f"{API}/auth/tokens", json={"username": "nobody", "password": "x"})
    assert_error(response, 401)


# --- 403 --------------------------------------------------------------------------------------


def test_a_kind_of_resource_outside_the_role_is_a_403(client, as_user):
    assert_error(client.get(f"{API}/needs", headers=as_user("hospital")), 403)


# --- 404 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [f"{API}/nowhere", f"{API}/needs/not-a-uuid", f"{API}/needs/{uuid4()}/nothing", API]
)
def test_an_unknown_route_under_the_api_is_a_json_404(client, as_user, path):
    assert_error(client.get(path), 404)
    assert_error(client.get(path, headers=as_user("secretary")), 404)


def test_an_unknown_record_id_is_a_404(client, as_user):
    secretary = as_user("secretary")
    nobody = uuid4()
    for path in (
        f"{API}/needs/{nobody}",
        f"{API}/needs/{nobody}/history",
        f"{API}/needs/{nobody}/matches",
        f"{API}/referrals/{nobody}",
        f"{API}/partners/{nobody}",
        f"{API}/partners/{nobody}/referrals",
    ):
        assert_error(client.get(path, headers=secretary), 404)
    response = client.post(f"{API}/needs/{nobody}/notes", json={"text": "x"}, headers=secretary)
    assert_error(response, 404)
    response = client.post(f"{API}/referrals/{nobody}/withdraw", json={}, headers=secretary)
    assert_error(response, 404)


def test_a_page_outside_the_api_does_not_answer_with_the_apis_json_body(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    body = response.get_json(silent=True)
    assert not (isinstance(body, dict) and {"code", "status", "message"} <= set(body))
    assert response.mimetype != "application/json"


# --- 405 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/needs", {"GET", "POST"}),
        ("put", "/needs/{need}", {"GET"}),
        ("get", "/needs/{need}/notes", {"POST"}),
        ("patch", "/referrals/{need}", {"GET"}),
        ("post", "/categories", {"GET"}),
        ("get", "/auth/tokens", {"POST"}),
    ],
)
def test_a_method_the_route_does_not_have_is_a_405_with_allow(
    client, as_user, method, path, allowed
):
    url = API + path.format(need=uuid4())
    for headers in ({}, as_user("secretary")):
        response = getattr(client, method)(url, headers=headers)
        assert_error(response, 405)
        listed = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
        assert allowed <= listed, (url, response.headers.get("Allow"))
        assert method.upper() not in listed


# --- 409 --------------------------------------------------------------------------------------


def test_resolving_with_an_open_referral_is_a_409_that_says_why(client, as_user, need, referral):
    response = client.post(
        f"{API}/needs/{need['id']}/resolve",
        json={"outcome": "helped", "summary": "好了"},
        headers=as_user("leader3"),
    )
    body = assert_error(response, 409)
    assert "referral" in body["message"].lower()
    assert need_now(client, as_user, need["id"])["status"] == "in_progress"


def test_accepting_an_accepted_referral_is_a_409_that_says_why(client, as_user, referral):
    path = f"{API}/referrals/{referral['id']}/accept"
    first = client.post(path, json={"note": "收到"}, headers=as_user("hospital"))
    assert first.status_code == 200
    again = client.post(path, json={"note": "收到"}, headers=as_user("hospital"))
    body = assert_error(again, 409)
    assert "accepted" in body["message"].lower()
    after = referral_now(client, as_user, referral["id"])
    assert (after["status"], after["version"]) == ("accepted", first.json["version"])


# --- 412 --------------------------------------------------------------------------------------


def test_a_stale_if_match_on_a_need_command_is_a_412_and_changes_nothing(client, as_user, need):
    leader3 = as_user("leader3")
    path = f"{API}/needs/{need['id']}/notes"
    moved = client.post(path, json={"text": "第一条"}, headers=leader3)
    assert moved.status_code == 200
    assert moved.headers["ETag"] == f'"{need["version"] + 1}"'
    before = need_now(client, as_user, need["id"])
    stale = {**leader3, "If-Match": f'"{need["version"]}"'}
    body = assert_error(client.post(path, json={"text": "第二条"}, headers=stale), 412)
    assert body["message"]
    urgency = client.post(
        f"{API}/needs/{need['id']}/urgency",
        json={"urgency": "critical", "reason": "x"},
        headers=stale,
    )
    assert_error(urgency, 412)
    assert need_now(client, as_user, need["id"]) == before
    current = {**leader3, "If-Match": moved.headers["ETag"]}
    assert client.post(path, json={"text": "第二条"}, headers=current).status_code == 200


def test_a_stale_if_match_on_a_referral_command_is_a_412_and_changes_nothing(
    client, as_user, referral
):
    clerk = as_user("hospital")
    read = client.get(f"{API}/referrals/{referral['id']}", headers=clerk)
    sent_etag = read.headers["ETag"]
    accepted = client.post(
        f"{API}/referrals/{referral['id']}/accept",
        json={"note": "收到"},
        headers={**clerk, "If-Match": sent_etag},
    )
    assert accepted.status_code == 200
    before = referral_now(client, as_user, referral["id"])
    response = client.post(
        f"{API}/referrals/{referral['id']}/complete",
        json={"outcome": "helped", "note": "已处理"},
        headers={**clerk, "If-Match": sent_etag},
    )
    assert_error(response, 412)
    assert referral_now(client, as_user, referral["id"]) == before
    assert before["status"] == "accepted"


# --- 413 --------------------------------------------------------------------------------------


def test_a_body_over_64_kib_is_a_413(client, as_user):
    huge = {**NEED, "description": "很" * (70 * 1024)}
    assert_error(client.post(f"{API}/needs", json=huge, headers=as_user("leader3")), 413)
    padded = {**NEED, "description": "x" * (64 * 1024 + 1)}
    assert_error(client.post(f"{API}/needs", json=padded, headers=as_user("leader3")), 413)
    assert needs_total(client, as_user) == 0


# --- 422 --------------------------------------------------------------------------------------


def test_an_unknown_field_is_a_422_on_that_field(client, as_user, log_need, need):
    response = log_need(colour="red")
    body = assert_error(response, 422)
    assert list(body["errors"]) == ["json"]
    assert set(body["errors"]["json"]) == {"colour"}
    assert body["errors"]["json"]["colour"]
    command = client.post(
        f"{API}/needs/{need['id']}/notes",
        json={"text": "x", "author": "someone"},
        headers=as_user("leader3"),
    )
    assert set(assert_error(command, 422)["errors"]["json"]) == {"author"}
    assert needs_total(client, as_user) == 1


@pytest.mark.parametrize("field", ["category", "block", "description", "urgency"])
def test_a_missing_required_field_is_a_422_on_that_field(client, as_user, field):
    body = {k: v for k, v in NEED.items() if k != field}
    response = client.post(f"{API}/needs", json=body, headers=as_user("secretary"))
    errors = assert_error(response, 422)["errors"]
    assert errors["json"][field], errors
    assert needs_total(client, as_user) == 0


def test_a_missing_building_is_a_422_on_household_building(client, as_user):
    body = {**NEED, "household": {"unit": "2", "room": "502"}}
    response = client.post(f"{API}/needs", json=body, headers=as_user("leader3"))
    errors = assert_error(response, 422)["errors"]
    assert errors["json"]["household"]["building"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("per_page=500", "per_page"), ("page=0", "page"), ("urgency=urgent", "urgency")],
)
def test_a_query_string_error_is_a_422_under_query(client, as_user, query, field):
    response = client.get(f"{API}/needs?{query}", headers=as_user("secretary"))
    errors = assert_error(response, 422)["errors"]
    assert set(errors) == {"query"}
    assert errors["query"][field]


def test_a_building_not_in_the_block_is_a_422_on_household_building(client, as_user, log_need):
    response = log_need(household={"building": "3号楼", "unit": "1", "room": "101"})
    errors = assert_error(response, 422)["errors"]
    assert set(errors) == {"json"}
    assert set(errors["json"]) == {"household"}
    assert set(errors["json"]["household"]) == {"building"}
    [message] = errors["json"]["household"]["building"]
    assert "3" in message
    assert "B3" in message
    assert needs_total(client, as_user) == 0


# --- 429 --------------------------------------------------------------------------------------


def test_six_failed_logins_in_a_minute_are_a_429(client, clock):
    wrong = {"username": "leader3", "password": "guess"}
    for _attempt in range(5):
        # 401s, not 429s: nothing left over from another test's app
        assert_error(client.post(f"{API}/auth/tokens", json=wrong), 401)
    body = assert_error(client.post(f"{API}/auth/tokens", json=wrong), 429)
    assert "guess" not in body["message"]
    right = {"username": "leader3", "password": PASSWORD}
    assert_error(client.post(f"{API}/auth/tokens", json=right), 429)
    other = client.post(f"{API}/auth/tokens", json={"username": "leader5", "password": PASSWORD})
    assert other.status_code == 201, other.get_data(as_text=True)


def test_a_fresh_app_starts_with_no_failed_logins_counted(client):
    # Runs after the 429 test in each store's parametrisation: its app must not inherit the count.
    wrong = {"username": "leader3", "password": "guess"}
    assert_error(client.post(f"{API}/auth/tokens", json=wrong), 401)
    right = client.post(f"{API}/auth/tokens", json={"username": "leader3", "password": PASSWORD})
    assert right.status_code == 201, right.get_data(as_text=True)


# --- 500 --------------------------------------------------------------------------------------


SECRET = "boom: the secret internals of the view"


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(lambda: RuntimeError(SECRET), id="RuntimeError"),
        # Errors of the contexts that no status is mapped to must not escape as HTML either.
        pytest.param(lambda: DomainError(SECRET), id="unmapped-DomainError"),
        pytest.param(lambda: AccountsError(SECRET), id="unmapped-AccountsError"),
    ],
)
def test_a_view_that_raises_is_a_json_500_without_the_stack_trace(
    app: Flask, client, as_user, error
):
    def explode() -> Any:
        raise error()

    app.add_url_rule(f"{API}/_boom", "test_boom", explode, methods=["GET", "POST"])
    # Under TESTING Flask re-raises into the test; a deployed app answers 500 instead.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for method in ("get", "post"):
        response = getattr(client, method)(f"{API}/_boom", headers=as_user("secretary"))
        body = assert_error(response, 500)
        text = response.get_data(as_text=True)
        for leak in ("Traceback", "RuntimeError", "DomainError", "AccountsError", SECRET, ".py"):
            assert leak not in text, leak
        assert body["message"]
