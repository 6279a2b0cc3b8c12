"""Steps of 'Keep the directory of co-building partners'
(features/secretary/api_manage_partners.feature)."""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import (
    PARTNER,
    QUOTED,
    USER,
    Answer,
    Api,
    Partner,
    names,
    succeeded,
)

scenarios("secretary/api_manage_partners.feature")


def registration(rows: dict[str, str]) -> dict[str, Any]:
    """The body of POST /partners, from what the secretary fills in."""
    body: dict[str, Any] = {
        "name": rows["name"],
        "kind": rows["kind"],
        "categories": names(rows["serves"]),
        "blocks": ["*"] if rows["blocks"] == "all" else names(rows["blocks"]),
        "weekly_capacity": int(rows["weekly capacity"]),
        "contact": rows.get("contact", ""),
    }
    if "webhook" in rows:
        body["webhook_url"] = rows["webhook"]
    return body


@given(
    parsers.re(
        USER + r" has registered " + PARTNER + r", serving (?P<serves>.+) in (?P<blocks>B.+)"
    )
)
def has_registered(
    api: Api, partners: dict[str, Partner], username: str, partner: str, serves: str, blocks: str
) -> None:
    rows = {"name": partner, "kind": "enterprise", "serves": serves, "blocks": blocks}
    body = registration({**rows, "weekly capacity": "5"})
    registered = succeeded(api.post(username, "/partners", body), 201)
    partners[partner] = Partner(registered["id"], partner, clerk="")


@when(parsers.re(USER + r" registers this partner:"), target_fixture="answer")
def registers(api: Api, username: str, datatable: list[list[str]]) -> Answer:
    return api.post(username, "/partners", registration(dict(datatable)))


@then(parsers.re(PARTNER + r" is in the directory, where the answer's Location says"))
def in_directory(api: Api, answer: Answer, partners: dict[str, Partner], partner: str) -> None:
    registered = succeeded(answer, 201)
    assert registered["name"] == partner
    assert answer.headers["Location"] == f"/api/v1/partners/{registered['id']}"
    found = succeeded(api.get("secretary", f"/partners/{registered['id']}"))
    assert (found["id"], found["name"]) == (registered["id"], partner)
    partners[partner] = Partner(registered["id"], partner, clerk="")


@then("the answer shows the webhook's signing secret", target_fixture="webhook_secret")
def secret_shown(answer: Answer) -> str:
    secret = succeeded(answer, 201)["webhook_secret"]
    assert isinstance(secret, str)
    assert len(secret) >= 32
    return secret


@when(
    parsers.re(USER + r" looks " + PARTNER + r" up in the directory again"),
    target_fixture="answer",
)
def looks_up(api: Api, partners: dict[str, Partner], username: str, partner: str) -> Answer:
    return api.get(username, f"/partners/{partners[partner].partner_id}")


@then("the webhook's secret is not shown")
def secret_not_shown(answer: Answer, webhook_secret: str) -> None:
    found = succeeded(answer)
    assert "webhook_secret" not in found
    assert webhook_secret not in json.dumps(found)


@then("the directory's list does not show it either")
def list_hides_secret(
    api: Api, partners: dict[str, Partner], answer: Answer, webhook_secret: str
) -> None:
    listed = succeeded(api.get("secretary", "/partners"))
    (found,) = [p for p in listed["items"] if p["id"] == answer.body["id"]]
    assert found["webhook_url"] == answer.body["webhook_url"]
    assert "webhook_secret" not in found
    assert webhook_secret not in json.dumps(listed)


@when(
    parsers.re(USER + r" suspends " + PARTNER + r", saying " + QUOTED.format("reason")),
    target_fixture="answer",
)
def suspends(
    api: Api, partners: dict[str, Partner], username: str, partner: str, reason: str
) -> Answer:
    path = f"/partners/{partners[partner].partner_id}/suspend"
    return api.post(username, path, {"reason": reason})


@when(parsers.re(USER + r" reactivates " + PARTNER), target_fixture="answer")
def reactivates(api: Api, partners: dict[str, Partner], username: str, partner: str) -> Answer:
    return api.post(username, f"/partners/{partners[partner].partner_id}/reactivate", {})


@then(
    parsers.re(
        r"the need's history records the referral to "
        + PARTNER
        + r" by "
        + USER
        + r", overriding with the reason "
        + QUOTED.format("reason")
    )
)
def override_in_history(
    api: Api, need: dict[str, Any], partner: str, username: str, reason: str
) -> None:
    history = succeeded(api.get(username, f"/needs/{need['id']}/history"))["events"]
    (referred,) = [e for e in history if e["type"] == "Referred"]
    assert (referred["actor"], referred["data"]["partner_name"]) == (username, partner)
    assert referred["data"]["override_reason"] == reason
