"""Steps of 'Follow a need through on the phone, from logging to resolution'
(features/block_leader/api_follow_a_need_through.feature)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from kernel.clock import SHANGHAI, ManualClock
from tests.acceptance.http.conftest import log, refer
from tests.acceptance.http.support import (
    DESCRIPTIONS,
    QUOTED,
    USER,
    Answer,
    Api,
    Partner,
    iso,
    succeeded,
)

scenarios("block_leader/api_follow_a_need_through.feature")

# How a block leader names what they type into the phone, as the API's fields.
LOG_FIELDS = {
    "category": "category",
    "urgency": "urgency",
    "building": "building",
    "unit": "unit",
    "room": "room",
    "resident": "resident_name",
    "phone": "contact_phone",
    "description": "description",
    "consent": "consent_to_share",
}


@given(parsers.parse("these needs have been logged, an hour apart from {start}:"))
def logged_an_hour_apart(
    api: Api, clock: ManualClock, start: str, datatable: list[list[str]]
) -> None:
    now = clock.now().astimezone(SHANGHAI)
    assert now == datetime.fromisoformat(iso(f"{now:%Y-%m-%d} {start}"))
    header, *rows = datatable
    for row in rows:
        need = dict(zip(header, row, strict=True))
        fields = {
            "category": need["category"],
            "urgency": need["urgency"],
            "building": need["building"],
            "description": DESCRIPTIONS[need["category"]],
        }
        succeeded(log(api, need["logged by"], need["block"], fields), 201)
        clock.advance(hours=1)


@given(
    parsers.re(
        r"on another need that " + USER + r" logged this morning, "
        r"these partners answered its referrals:"
    )
)
def answered_before(
    api: Api,
    clock: ManualClock,
    partners: dict[str, Partner],
    username: str,
    datatable: list[list[str]],
) -> None:
    fields = {
        "category": "emergency",
        "urgency": "normal",
        "building": "13",
        "description": DESCRIPTIONS["emergency"],
    }
    other = succeeded(log(api, username, "B3", fields), 201)
    header, *rows = datatable
    for row in rows:
        answered = dict(zip(header, row, strict=True))
        partner = partners[answered["partner"]]
        referral = succeeded(refer(api, username, other, partner.partner_id), 201)
        amount, unit = answered["after"].split()
        clock.advance(**{unit.rstrip("s") + "s": int(amount)})
        action = {"accepted": "accept", "declined": "decline"}[answered["answer"]]
        body = {"reason": "no_capacity"} if action == "decline" else {}
        reply = api.post(partner.clerk, f"/referrals/{referral['id']}/{action}", body)
        assert succeeded(reply)["status"] == answered["answer"]


@when(parsers.re(USER + r" signs in on the phone"), target_fixture="answer")
def signs_in(api: Api, username: str) -> Answer:
    return api.sign_in(username)


@then(parsers.re(USER + r" is signed in as the block leader of (?P<block>B\d+)"))
def signed_in_as(answer: Answer, clock: ManualClock, username: str, block: str) -> None:
    signed_in = succeeded(answer, 201)
    assert signed_in["user"] == {
        "username": username,
        "role": "block_leader",
        "blocks": [block],
        "partner_id": None,
    }
    assert signed_in["token"]
    assert datetime.fromisoformat(signed_in["expires_at"]) > clock.now()


@when(parsers.re(USER + r" logs a need in block (?P<block>B\d+):"), target_fixture="answer")
def logs_a_need(api: Api, username: str, block: str, datatable: list[list[str]]) -> Answer:
    fields: dict[str, Any] = {LOG_FIELDS[label]: value for label, value in datatable}
    if "consent_to_share" in fields:
        fields["consent_to_share"] = fields["consent_to_share"] == "yes"
    return log(api, username, block, fields)


@then("the need is on the menu, where the answer's Location says", target_fixture="need")
def need_on_the_menu(api: Api, answer: Answer) -> dict[str, Any]:
    logged = succeeded(answer, 201)
    assert answer.headers["Location"] == f"/api/v1/needs/{logged['id']}"
    found = succeeded(api.get(logged["logged_by"], f"/needs/{logged['id']}"))
    assert found == logged
    return dict(logged)


@when(parsers.re(USER + r" lists the open needs of block (?P<block>B\d+)"), target_fixture="answer")
def lists_open_needs(api: Api, username: str, block: str) -> Answer:
    return api.get(username, "/needs", block=block, status="open")


@then(parsers.parse("the list holds {count:d} needs, most urgent first:"))
def list_holds(answer: Answer, count: int, datatable: list[list[str]]) -> None:
    listed = succeeded(answer)
    assert (listed["total"], listed["page"]) == (count, 1)
    header, *rows = datatable
    assert [
        {
            "building": str(need["household"]["building"]),
            "category": need["category"],
            "urgency": need["urgency"],
            "logged at": need["logged_at"],
        }
        for need in listed["items"]
    ] == [
        {**dict(zip(header, row, strict=True)), "logged at": iso(row[header.index("logged at")])}
        for row in rows
    ]


@then("the partners offered are ranked, best first, each with its reasons:")
def ranked_with_reasons(answer: Answer, datatable: list[list[str]]) -> None:
    matches = succeeded(answer)
    header, *rows = datatable
    expected = [dict(zip(header, row, strict=True)) for row in rows]
    assert [m["name"] for m in matches] == [e["partner"] for e in expected]
    scores = [m["score"] for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1], "a ranking where history counts for nothing"
    for match, row in zip(matches, expected, strict=True):
        assert match["reasons"], match
        assert all(match["reasons"]), match
        assert row["among its reasons"] in match["reasons"], match


@when(
    parsers.re(USER + r" refers the need to the best match, noting " + QUOTED.format("note")),
    target_fixture="answer",
)
def refers_to_best(api: Api, need: dict[str, Any], username: str, note: str) -> Answer:
    matches = succeeded(api.get(username, f"/needs/{need['id']}/matches"))
    assert matches, "no partner is offered for the need"
    return refer(api, username, need, matches[0]["partner_id"], note=note)


@when(parsers.re(USER + r" records a visit: " + QUOTED.format("notes")), target_fixture="answer")
def records_visit(api: Api, need: dict[str, Any], username: str, notes: str) -> Answer:
    return api.post(username, f"/needs/{need['id']}/visits", {"notes": notes})


@when(
    parsers.re(
        USER + r" resolves the need as (?P<outcome>\w+), summing up " + QUOTED.format("summary")
    ),
    target_fixture="answer",
)
def resolves(api: Api, need: dict[str, Any], username: str, outcome: str, summary: str) -> Answer:
    return api.post(
        username, f"/needs/{need['id']}/resolve", {"outcome": outcome, "summary": summary}
    )
