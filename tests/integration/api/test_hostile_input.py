"""What a broken or hostile client may send the API is answered with a 4xx and the error body,
never a 500: JSON nested thousands deep, numbers thousands of digits long, and — in every text
field of every operation the OpenAPI document serves — lone surrogates, NUL and the other control
characters (refused with a 422 that names the field; tabs and line breaks are text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.api.conftest import PASSWORD, World
from tests.integration.api.text_fields import (
    TextField,
    plausible,
    served_document,
    text_fields,
    with_text,
)

# Each role in turn: the first one the operation does not turn away (401/403) must get the 422.
ROLES = ("secretary", "leader3", "hospital", "auditor")
NASTY = ["\ud800", "\x00", "\x07", "\x1b[2J", "\x7f", "\x9b", "a\udc00b", "名\x00字"]
# One forbidden character (a C0 or C1 control but tab and line breaks, or a lone surrogate)
# somewhere in any text.
FORBIDDEN = st.characters(categories=("Cc", "Cs"), exclude_characters="\t\n\r")
TEXT_WITH_ONE_FORBIDDEN = st.builds(
    lambda before, bad, after: before + bad + after,
    st.text(max_size=12),
    FORBIDDEN,
    st.text(max_size=12),
)


def assert_error_body(response: Any) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data())
    body = response.json
    assert isinstance(body, dict)
    assert {"code", "status", "message"} <= set(body)
    assert body["code"] == response.status_code
    return body


@pytest.fixture
def ids(
    client: FlaskClient,
    as_user: Callable[[str], dict[str, str]],
    world: World,
    need: dict[str, Any],
    referral: dict[str, Any],
) -> dict[str, str]:
    """The ids the operations' paths (and bodies) name: a need in B3 referred to the hospital,
    its household, a duty of that household and a record about it."""
    household_id = need["household"]["id"]
    leader = as_user("leader3")
    event = client.post(
        f"/api/v1/households/{household_id}/life-events",
        json={"type": "hospitalised", "note": "住院"},
        headers=leader,
    )
    assert event.status_code == 200, event.json
    record = client.post(
        "/api/v1/records",
        json={"kind": "suggestion", "block": "B3", "household_id": household_id, "text": "建议"},
        headers=leader,
    )
    assert record.status_code == 201, record.json
    [template] = client.get("/api/v1/project-templates", headers=leader).json
    project = client.post(
        "/api/v1/projects",
        json={
            "block": "B3",
            "building": 15,
            "title": "加装电梯",
            "template_id": template["id"],
            "households": [{"household_id": household_id, "floor": 5}],
        },
        headers=leader,
    )
    assert project.status_code == 201, project.json
    offering = client.post(
        "/api/v1/offerings",
        json={
            "partner_id": str(world.partner_ids["hospital"]),
            "title": "家门口的医疗服务",
            "category": "hardship",
            "schedule": {"kind": "weekly", "weekday": 2},
        },
        headers=as_user("secretary"),
    )
    assert offering.status_code == 201, offering.json
    group = client.post(
        "/api/v1/volunteer-groups",
        json={"block": "B3", "name": "三块区志愿者组团", "leader": "leader3"},
        headers=leader,
    )
    assert group.status_code == 201, group.json
    return {
        "offering_id": offering.json["id"],
        "group_id": group.json["id"],
        "template_id": template["id"],
        "project_id": project.json["id"],
        "step_id": "housing-01",
        "need_id": need["id"],
        "referral_id": referral["id"],
        "partner_id": str(world.partner_ids["hospital"]),
        "household_id": household_id,
        "duty_id": event.json["duties"][0]["id"],
        "record_id": record.json["id"],
        "code": "B3",  # a block
    }


def send(
    client: FlaskClient,
    as_user: Callable[[str], dict[str, str]],
    document: dict[str, Any],
    ids: dict[str, str],
    field: TextField,
    value: str,
) -> None:
    """The operation with `value` in the field, as each role: a 4xx with the error body for
    every one, and for the first role the operation lets in, a 422 naming the field."""
    body = with_text(plausible(document, field.schema, ids), field.path, value)
    route = field.route.format(**ids)
    answered = []
    for role in ROLES:
        headers = {} if field.route == "/api/v1/auth/tokens" else as_user(role)
        response = client.open(route, method=field.method, json=body, headers=headers)
        error = assert_error_body(response)
        answered.append(response.status_code)
        if response.status_code in (401, 403) and headers:
            continue
        assert response.status_code == 422, (str(field), repr(value), error)
        assert field.name in error["message"], (str(field), error)
        assert value not in error["message"]
        return
    pytest.fail(f"every role was turned away from {field}: {answered}")


def test_every_text_field_of_every_operation_refuses_nul_control_characters_and_lone_surrogates(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], ids: dict[str, str]
) -> None:
    document = served_document(client)
    fields = text_fields(document)
    names = {str(field) for field in fields}
    assert {"POST /api/v1/needs household.building", "POST /api/v1/partners categories.0"} <= names
    assert len(names) > 40
    for field in fields:
        for value in NASTY:
            send(client, as_user, document, ids, field, value)
    # Tabs and line breaks are text.
    response = client.post(
        f"/api/v1/needs/{ids['need_id']}/notes",
        json={"text": "第一行\r\n第二行\n\t第三行"},
        headers=as_user("leader3"),
    )
    assert response.status_code == 200, response.json
    assert response.json["notes"][-1]["text"] == "第一行\r\n第二行\n\t第三行"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_text_field_takes_or_chokes_on_a_forbidden_character(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], ids: dict[str, str], data: Any
) -> None:
    document = served_document(client)
    field = data.draw(st.sampled_from(text_fields(document)), label="field")
    value = data.draw(TEXT_WITH_ONE_FORBIDDEN, label="value")
    send(client, as_user, document, ids, field, value)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"a":' * 5000 + "1" + "}" * 5000,
        '{"description": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["a list", "an object", "inside a field"],
)
def test_json_nested_five_thousand_deep_is_a_400_with_the_error_body(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]], body: str
) -> None:
    for path, headers in (("/api/v1/needs", as_user("leader3")), ("/api/v1/auth/tokens", {})):
        response = client.post(path, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400
        assert "deep" in assert_error_body(response)["message"]


def test_a_five_thousand_digit_number_is_a_400_with_the_error_body(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    body = '{"name": "x", "kind": "ngo", "weekly_capacity": ' + "9" * 5000 + "}"
    for path, headers in (("/api/v1/partners", as_user("secretary")), ("/api/v1/auth/tokens", {})):
        response = client.post(path, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400
        assert "digits" in assert_error_body(response)["message"]


def test_a_query_parameter_with_a_nul_is_a_422_naming_it(
    client: FlaskClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    response = client.get("/api/v1/needs?block=%00&status=open", headers=as_user("secretary"))
    assert response.status_code == 422
    body = assert_error_body(response)
    assert body["errors"] == {"query": {"block": [body["errors"]["query"]["block"][0]]}}
    assert "U+0000" in body["message"] or "block" in body["message"]


def test_signing_in_with_a_nul_in_the_username_is_a_422(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/auth/tokens", json={"username": "leader3\x00", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert "username" in assert_error_body(response)["errors"]["json"]
