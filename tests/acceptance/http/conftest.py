"""Steps the HTTP journeys share: the community's people and partners, a need and its
referral, the clock, and what the API answers.

Everything goes through the public JSON API (/api/v1) of an app on a fresh SQLite store, as the
API tests set it up; time moves only when a step moves the app's hand-wound clock.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_bdd import given, parsers, then, when

from kernel.clock import ManualClock
from tests.acceptance.http.support import (
    DESCRIPTIONS,
    HISTORY_COLUMNS,
    PARTNER,
    PHONE,
    QUOTED,
    RECORD_FIELDS,
    RESIDENT,
    TIMES,
    USER,
    Answer,
    Api,
    Partner,
    check_reads,
    iso,
    names,
    record_of,
    shown,
    succeeded,
)
from tests.conftest import clock
from tests.integration.api.conftest import client, world
from tests.integration.conftest import PASSWORD, app, app_config
from web import services as running_services
from web.tasks.delivery import Notifier

# The fixtures taken as they are: the app's clock (09:00 on Monday 30 November 2026, as the root
# conftest winds it, not the acceptance conftest's midnight) and the API tests' app on a fresh
# store, with its people and partners.
__all__ = ["app", "app_config", "client", "clock", "world"]

# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The journeys run on SQLite only; the API tests cover PostgreSQL."""
    return f"sqlite:///{tmp_path}/needs.sqlite"


@pytest.fixture
def services() -> None:
    """Steps of tests/acceptance/ drive the domain directly; none of them may stand in here."""
    pytest.fail("a step of tests/acceptance/ matched in an HTTP journey; define it over HTTP")


@pytest.fixture
def api(client: FlaskClient) -> Iterator[Api]:
    """The API as the scenario's people call it; a refusal no step expected fails the scenario."""
    calls = Api(client, PASSWORD)
    yield calls
    unheard = calls.unheard_refusals()
    assert not unheard, f"refused, though no step expected it: {unheard}"


@pytest.fixture
def partners() -> dict[str, Partner]:
    return {}


@pytest.fixture
def read_versions() -> dict[str, int]:
    """The version of the record each person last read, by username: what If-Match sends."""
    return {}


def log(api: Api, username: str, block: str, fields: dict[str, Any]) -> Answer:
    """POST /needs for a household named by its address."""
    household = {k: str(fields.pop(k)) for k in ("building", "unit", "room") if k in fields}
    return api.post(username, "/needs", {"block": block, "household": household, **fields})


def referral_to(api: Api, need: dict[str, Any], partner: str) -> dict[str, Any]:
    """The need's latest referral to the partner, as the need's block leader sees it."""
    found = succeeded(api.get(need["logged_by"], f"/needs/{need['id']}"))
    sent = [r for r in found["referrals"] if r["partner_name"] == partner]
    assert sent, f"the need has no referral to {partner}: {found['referrals']}"
    return dict(sent[-1])


def refer(api: Api, username: str, need: dict[str, Any], partner_id: str, **body: Any) -> Answer:
    return api.post(username, f"/needs/{need['id']}/referrals", {"partner_id": partner_id, **body})


def clerk_answers(
    api: Api,
    partners: dict[str, Partner],
    need: dict[str, Any],
    partner: str,
    action: str,
    body: dict[str, Any],
    if_match: int | None = None,
) -> Answer:
    """The partner's clerk answers the need's referral to the partner."""
    referral = referral_to(api, need, partner)
    clerk = partners[partner].clerk
    return api.post(clerk, f"/referrals/{referral['id']}/{action}", body, if_match=if_match)


def offered(answer: Answer) -> list[str]:
    """The names of the partners a matches answer offers, best first."""
    return [match["name"] for match in succeeded(answer)]


# --- the community, its people and its partners ----------------------------------------------


@given(parsers.parse("it is {time} on {weekday} {day} in Shanghai"))
def it_is(clock: ManualClock, time: str, weekday: str, day: str) -> None:
    moment = datetime.fromisoformat(iso(f"{day} {time}"))
    assert moment.strftime("%A") == weekday
    ahead = moment - clock.now()
    assert ahead >= timedelta(0), "the clock only moves forward"
    clock.advance(seconds=ahead.total_seconds())


@given(parsers.re(r"(?P<amount>\d+|an|a) (?P<unit>minutes?|hours?) (?:has|have) passed"))
def time_passes(clock: ManualClock, amount: str, unit: str) -> None:
    count = 1 if amount in ("a", "an") else int(amount)
    clock.advance(**{unit.rstrip("s") + "s": count})


@given("these people have accounts:")
def people_with_accounts(api: Api, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        person = dict(zip(header, row, strict=True))
        user = succeeded(api.sign_in(person["username"]), 201)["user"]
        assert (user["username"], user["role"]) == (person["username"], person["role"])
        assert user["blocks"] == names(person["blocks"])
        if person["works for"]:
            employer = succeeded(api.get(user["username"], f"/partners/{user['partner_id']}"))
            assert employer["name"] == person["works for"]
        else:
            assert user["partner_id"] is None


@given("these co-building partners are in the directory:", target_fixture="partners")
def partners_in_directory(api: Api, datatable: list[list[str]]) -> dict[str, Partner]:
    listed = {p["name"]: p for p in succeeded(api.get("secretary", "/partners"))["items"]}
    header, *rows = datatable
    directory = {}
    for row in rows:
        expected = dict(zip(header, row, strict=True))
        found = listed[expected["partner"]]
        blocks = ["*"] if expected["blocks"] == "all" else names(expected["blocks"])
        assert (found["kind"], found["categories"], found["blocks"], found["active"]) == (
            expected["kind"],
            names(expected["serves"]),
            blocks,
            True,
        )
        clerk = succeeded(api.sign_in(expected["clerk"]), 201)["user"]
        assert (clerk["role"], clerk["partner_id"]) == ("partner", found["id"])
        directory[found["name"]] = Partner(found["id"], found["name"], expected["clerk"])
    return directory


@given(parsers.re(USER + r" has signed in on the phone"))
def has_signed_in(api: Api, username: str) -> None:
    succeeded(api.sign_in(username), 201)


# --- a need and its referral -------------------------------------------------------------------


@given(
    parsers.re(
        USER + r" has logged an? (?P<urgency>low|normal|high|critical) (?P<category>[a-z_]+) "
        r"need at (?P<building>[^\s,]+)(?:, unit (?P<unit>\S+), room (?P<room>[^\s,]+))?"
        r"(?:, for (?P<resident>\S+), who (?P<consent>consents|does not consent) to share it)?"
    ),
    target_fixture="need",
)
def logged_need(
    api: Api,
    username: str,
    urgency: str,
    category: str,
    building: str,
    unit: str | None,
    room: str | None,
    resident: str | None,
    consent: str | None,
) -> dict[str, Any]:
    me = succeeded(api.sign_in(username), 201)["user"]
    fields = {
        "category": category,
        "urgency": urgency,
        "building": building,
        "unit": unit or "2",
        "room": room or "502",
        "resident_name": resident or RESIDENT,
        "contact_phone": PHONE,
        "description": DESCRIPTIONS[category],
        "consent_to_share": consent != "does not consent",
    }
    return dict(succeeded(log(api, username, me["blocks"][0], fields), 201))


@when(
    parsers.re(
        USER + r" refers the need to " + PARTNER + r"(?:, noting " + QUOTED.format("note") + ")?"
        r"(?:, overriding with the reason " + QUOTED.format("reason") + ")?$"
    ),
    target_fixture="answer",
)
def refers(
    api: Api,
    partners: dict[str, Partner],
    need: dict[str, Any],
    username: str,
    partner: str,
    note: str | None,
    reason: str | None,
) -> Answer:
    extra = {} if reason is None else {"override_reason": reason}
    return refer(api, username, need, partners[partner].partner_id, note=note or "", **extra)


@given(
    parsers.re(
        USER
        + r" has referred the need to "
        + PARTNER
        + r"(?:, noting "
        + QUOTED.format("note")
        + ")?$"
    )
)
def has_referred(
    api: Api,
    partners: dict[str, Partner],
    need: dict[str, Any],
    username: str,
    partner: str,
    note: str | None,
) -> None:
    sent = succeeded(refer(api, username, need, partners[partner].partner_id, note=note or ""), 201)
    assert (sent["partner_name"], sent["status"]) == (partner, "sent")


@given(parsers.re(r"the clerk of " + PARTNER + r" has accepted the referral"))
def has_accepted(
    api: Api, partners: dict[str, Partner], need: dict[str, Any], partner: str
) -> None:
    answer = clerk_answers(api, partners, need, partner, "accept", {"note": "医生今天上门"})
    assert succeeded(answer)["status"] == "accepted"


@given(parsers.re(r"the clerk of " + PARTNER + r" has reported the outcome (?P<outcome>\w+)"))
def has_completed(
    api: Api, partners: dict[str, Partner], need: dict[str, Any], partner: str, outcome: str
) -> None:
    body = {"outcome": outcome, "note": "已上门诊治，老人情况稳定"}
    answer = clerk_answers(api, partners, need, partner, "complete", body)
    assert (succeeded(answer)["status"], answer.body["outcome"]) == ("completed", outcome)


@when(parsers.re(USER + r" looks at the matches for the need"), target_fixture="answer")
def looks_at_matches(api: Api, need: dict[str, Any], username: str) -> Answer:
    return api.get(username, f"/needs/{need['id']}/matches")


@when(parsers.re(USER + r" reads the need's history"), target_fixture="answer")
def reads_history(api: Api, need: dict[str, Any], username: str) -> Answer:
    return api.get(username, f"/needs/{need['id']}/history")


# --- what the API answers ---------------------------------------------------------------------


@then(
    parsers.re(
        r"it is refused with (?P<status>\d{3}) (?P<phrase>[A-Z][A-Za-z ]+?)"
        r"(?:, saying " + QUOTED.format("words") + ")?$"
    )
)
def refused(answer: Answer, status: str, phrase: str, words: str | None) -> None:
    answer.heard = True
    assert answer.status == int(status), str(answer)
    assert answer.body["code"] == int(status), str(answer)
    assert answer.body["status"] == phrase, str(answer)
    assert answer.body["message"], str(answer)
    if words is not None:
        assert words in answer.body["message"], str(answer)


@then(parsers.re(r"it is answered as a replay with (?P<status>\d{3}) (?P<phrase>[A-Z][A-Za-z ]+)"))
def answered_as_a_replay(answer: Answer, status: str, phrase: str) -> None:
    assert (answer.status, HTTPStatus(answer.status).phrase) == (int(status), phrase), str(answer)
    assert answer.headers.get("Idempotent-Replayed") == "true", str(answer.headers)


@then(
    parsers.re(
        r"the referral to " + PARTNER + r" is (?P<status>sent|accepted|declined|expired|"
        r"withdrawn|completed), at version (?P<version>\d+)"
    )
)
def referral_is(answer: Answer, partner: str, status: str, version: str) -> None:
    referral = record_of(answer)
    assert (referral["partner_name"], referral["status"], referral["version"]) == (
        partner,
        status,
        int(version),
    )
    if answer.status == 201:
        assert answer.headers["Location"] == f"/api/v1/referrals/{referral['id']}"


@then(parsers.re(r"the (?P<record>need|referral|partner) reads:"))
def record_reads(answer: Answer, record: str, datatable: list[list[str]]) -> None:
    check_reads(record_of(answer), datatable, RECORD_FIELDS[record])


@then(
    parsers.re(
        r"the need is (?:still )?(?P<status>open|in progress|resolved)"
        r"(?: as (?P<resolution>\w+))?, at version (?P<version>\d+)"
        r"(?:, with the visit by " + USER + r" at (?P<visited>.+))?"
    )
)
def need_is(
    api: Api,
    answer: Answer,
    need: dict[str, Any],
    status: str,
    resolution: str | None,
    version: str,
    username: str | None,
    visited: str | None,
) -> None:
    """What the last command on the need answered, and what reading it afresh shows."""
    found = record_of(api.get(need["logged_by"], f"/needs/{need['id']}"))
    assert (found["status"], found["version"]) == (status.replace(" ", "_"), int(version))
    if resolution is not None:
        assert found["resolution"] == resolution
    if visited is not None:
        last = found["visits"][-1]
        assert (last["visitor"], last["occurred_at"]) == (username, iso(visited))
    if answer.method == "POST" and answer.status < 400 and answer.body.get("id") == need["id"]:
        assert record_of(answer) == found, str(answer)


@then("the need has no referrals")
def no_referrals(api: Api, need: dict[str, Any]) -> None:
    assert succeeded(api.get(need["logged_by"], f"/needs/{need['id']}"))["referrals"] == []


@then(parsers.re(r"the partners offered are, best first: (?P<expected>.+)"))
def partners_offered(answer: Answer, expected: str) -> None:
    assert offered(answer) == names(expected), str(answer)


@then("the history reads, oldest first:")
def history_reads(answer: Answer, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    events = succeeded(answer)["events"]
    listed = [
        [
            shown(event[HISTORY_COLUMNS[column]])
            if column not in TIMES
            else event[HISTORY_COLUMNS[column]]
            for column in header
        ]
        for event in events
    ]
    expected = [
        [
            iso(value) if column in TIMES else value
            for column, value in zip(header, row, strict=True)
        ]
        for row in rows
    ]
    assert listed == expected


@then(parsers.re(r"block (?P<block>B\d+) has no open needs"))
def no_open_needs(api: Api, need: dict[str, Any], block: str) -> None:
    for status in ("open", "in_progress"):
        listed = succeeded(api.get(need["logged_by"], "/needs", block=block, status=status))
        assert (listed["total"], listed["items"]) == (0, []), status


# --- notices dispatched as a worker would, here and now ---------------------------------------


def _dispatch(app: Flask, clock: ManualClock) -> None:
    with app.app_context():
        notifier = Notifier(running_services(), None, rng=random.Random(3))
        now = clock.now()
        notifier.dispatch_due(now, send=lambda item: notifier.deliver(item, now) and None)


@when("the notices due are dispatched")
def dispatched(app: Flask, clock: ManualClock) -> None:
    _dispatch(app, clock)


@when(
    parsers.re(
        r"(?P<amount>\d+) (?P<unit>seconds?|hours?) pass(?:es)? and the notices due are "
        r"dispatched again"
    )
)
def time_passes_and_dispatched(app: Flask, clock: ManualClock, amount: str, unit: str) -> None:
    seconds = int(amount) * (3600 if unit.startswith("hour") else 1)
    clock.advance(seconds=seconds)
    _dispatch(app, clock)


@then(parsers.re(r"it is refused with 422 Unprocessable Entity, naming the field (?P<field>\w+)"))
def refused_naming(answer: Answer, field: str) -> None:
    answer.heard = True
    assert answer.status == 422, str(answer)
    assert list(answer.body["errors"]["json"]) == [field], str(answer)
    assert field in answer.body["message"], str(answer)
