"""The OpenAPI document as a typed client reads it: every error each operation can answer is
declared, always with the contract's Error body (`code`, `status` and `message` required, and
`errors` on a 422), so that a generated client reads the message that says why."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from .conftest import NEED
from .openapi_doc import API, OPENAPI, body_schema, operations, parameter_names, resolved

CALLERS = (None, "hospital", "auditor", "leader5", "secretary")


@pytest.fixture
def database_url(tmp_path):
    """The document and the error answers are the same on either store."""
    return f"sqlite:///{tmp_path}/needs.sqlite"


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return dict(response.json)


def is_error(code: str) -> bool:
    return code == "default" or int(code) >= 400


def declared_errors(operation: dict[str, Any]) -> set[int]:
    return {int(code) for code in operation["responses"] if code != "default" and is_error(code)}


def test_every_error_response_of_every_operation_declares_the_error_body(document):
    bodiless = [
        f"{method.upper()} {path} {code}"
        for method, path, operation in operations(document)
        for code, response in operation["responses"].items()
        if is_error(code)
        and body_schema(document, response) != ("ValidationError" if code == "422" else "Error")
    ]
    assert not bodiless, f"{len(bodiless)} error responses without the Error body: {bodiless}"


def test_the_error_body_requires_code_status_and_message_and_a_422_its_errors(document):
    schemas = document["components"]["schemas"]
    error, invalid = schemas["Error"], resolved(document, schemas["ValidationError"])
    assert set(error["required"]) == {"code", "status", "message"}
    # Optional beside them: what a refusal a client acts on is, and the record it concerns.
    assert set(error["properties"]) == {"code", "status", "message", "reason", "existing_need_id"}
    assert set(invalid["required"]) == {"code", "status", "message", "errors"}
    where = resolved(document, invalid["properties"]["errors"])
    assert {"json", "query"} <= set(where["properties"])


def test_each_operation_declares_the_errors_its_token_path_body_and_headers_can_cause(document):
    missing: list[str] = []
    for method, path, operation in operations(document):
        headers = parameter_names(document, operation, "header")
        expected: set[int] = set()
        if operation.get("security") != []:
            expected.add(401)  # no token, or a bad one
        if "{" in path:
            expected.add(404)  # an id that names nothing in the caller's scope
        if "requestBody" in operation:
            expected |= {400, 413, 422}  # malformed JSON, too big, fields wrong
        if "Idempotency-Key" in headers:
            expected |= {400, 409, 422}  # a blank key, a retry still running, another body
        if "If-Match" in headers:
            expected.add(412)
        if parameter_names(document, operation, "query"):
            expected.add(422)
        lacking = expected - declared_errors(operation)
        if lacking:
            missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
    assert not missing, "\n".join(missing)


def _url(path: str, need_id: str | None) -> str:
    for name in ("need_id", "referral_id", "partner_id", "household_id", "duty_id", "record_id"):
        path = path.replace(
            "{" + name + "}", need_id if name == "need_id" and need_id else str(uuid4())
        )
    return path.replace("{seal_no}", "7")


def test_every_error_answered_to_wrong_callers_ids_and_bodies_is_declared_for_its_operation(
    client, as_user, document, need
):
    """A tour: each operation called without a token, by each role, with unknown ids (and a
    need of another block), with an empty body and with malformed JSON; each error it answers
    must be declared for it, with the Error body."""
    calls: list[tuple[str, str, str | None, dict[str, Any]]] = []
    for method, path, operation in operations(document):
        body = {"json": {}} if "requestBody" in operation else {}
        for need_id in {None, need["id"]} if "{need_id}" in path else {None}:
            for caller in CALLERS:
                calls.append((method, path, caller, {**body, "_url": _url(path, need_id)}))
        if "requestBody" in operation:
            malformed = {"data": b'{"oops"', "content_type": "application/json"}
            calls.append((method, path, "secretary", {**malformed, "_url": _url(path, None)}))
    nowhere = {"household_id": str(uuid4())}
    calls += [
        ("post", f"{API}/needs", "leader3", {"json": {**NEED, "household": None, **nowhere}}),
        (
            "post",
            f"{API}/records",
            "leader3",
            {"json": {"kind": "concern", "block": "B3", "text": "漏水", **nowhere}},
        ),
    ]
    index = {(method, path): operation for method, path, operation in operations(document)}
    undeclared: list[str] = []
    for method, path, caller, request in calls:
        url = request.pop("_url", path)
        if request.get("json") is not None:
            request["json"] = {k: v for k, v in request["json"].items() if v is not None}
        headers = as_user(caller) if caller else {}
        response = getattr(client, method)(url, headers=headers, **request)
        if response.status_code < 400:
            continue
        body = response.get_json(silent=True) or {}
        if response.status_code not in declared_errors(index[method, path]) or not (
            {"code", "status", "message"} <= set(body)
        ):
            undeclared.append(f"{method.upper()} {path} -> {response.status_code} ({caller})")
    assert not undeclared, "answered but not declared:\n" + "\n".join(sorted(set(undeclared)))


def test_a_422_always_carries_errors_even_for_an_idempotency_key_used_with_another_body(
    log_need,
):
    headers = {"Idempotency-Key": str(uuid4())}
    assert log_need(headers=headers).status_code == 201
    again = log_need(headers=headers, description="另一件事")
    assert again.status_code == 422
    assert set(again.json) == {"code", "status", "message", "errors"}
    assert isinstance(again.json["errors"], dict)
