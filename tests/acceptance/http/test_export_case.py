"""Steps of 'An auditor exports a case's record' (features/auditor/export_case.feature)."""

from __future__ import annotations

import io
import sqlite3
from typing import Any

from flask import Flask
from pypdf import PdfReader
from pytest_bdd import given, parsers, scenarios, then, when

from tests.acceptance.http.support import API, QUOTED, USER, Answer, Api, iso, succeeded
from web import services

scenarios("auditor/export_case.feature")


# Notes are sealed per household, so the plain text an intruder can reach is, say, the actor.
@given(parsers.re(r"someone changed who recorded event (?P<version>\d+) in the database"))
def altered(app: Flask, version: str) -> None:
    with app.app_context():
        running = services()
        path = running.settings.sqlite_path("needs")
    with sqlite3.connect(path) as conn:
        changed = conn.execute(
            "UPDATE stored_events SET state = "
            "CAST(REPLACE(CAST(state AS TEXT), 'leader3', 'leader9') AS BLOB) "
            "WHERE originator_version = ?",
            (int(version),),
        ).rowcount
    assert changed == 1
    with app.app_context():
        running.needs.repository.cache.clear()


@when(parsers.re(USER + r" exports the need$"), target_fixture="answer")
def exports(api: Api, need: dict[str, Any], username: str) -> Answer:
    return api.get(username, f"/needs/{need['id']}/export")


@when(parsers.re(USER + r" exports the need as a PDF"), target_fixture="written")
def exports_pdf(api: Api, need: dict[str, Any], username: str) -> str:
    succeeded(api.sign_in(username), 201)
    response = api.client.get(
        f"{API}/needs/{need['id']}/export?format=pdf",
        headers={"Authorization": f"Bearer {api.tokens[username]}"},
    )
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    # pypdf reads fpdf2's two-byte glyph codes a byte at a time: drop the NULs and spacing.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return "".join(text.replace("\x00", "").split())


@then(
    parsers.re(
        r"the export lists the events (?P<kinds>[\w, ]+), each with its own hash, the last one "
        r"the head"
    )
)
def lists_events(answer: Answer, kinds: str) -> None:
    events = succeeded(answer)["events"]
    assert [e["type"] for e in events] == [k.strip() for k in kinds.split(",")]
    assert all(len(e["chain"]) == 64 for e in events)
    assert len({e["chain"] for e in events}) == len(events) != 0
    assert answer.body["verification"]["head"] == events[-1]["chain"]


@then(
    parsers.re(
        r"the export shows the (?P<kind>\w+) event changing (?P<field>\w+) from "
        + QUOTED.format("before")
        + " to "
        + QUOTED.format("after")
    )
)
def shows_change(answer: Answer, kind: str, field: str, before: str, after: str) -> None:
    (event,) = [e for e in answer.body["events"] if e["type"] == kind]
    assert {"field": field, "before": before, "after": after} in event["changes"]


@then("the export says the chain is intact")
def intact(answer: Answer) -> None:
    check = answer.body["verification"]
    assert (check["intact"], check["first_broken_version"], check["problems"]) == (True, None, [])


@then(parsers.re(r"the export says the chain is broken at event (?P<version>\d+)"))
def broken(answer: Answer, version: str) -> None:
    check = succeeded(answer)["verification"]
    assert (check["intact"], check["first_broken_version"]) == (False, int(version))
    assert "altered" in check["problems"][0]["problem"]


@then(parsers.re(r"the export names (?P<name>\w+) as its exporter at (?P<moment>[\d-]+ [\d:]+)"))
def exporter(answer: Answer, name: str, moment: str) -> None:
    assert (answer.body["exported_by"], answer.body["exported_at"]) == (name, iso(moment))


@then(parsers.re(r"who looked at the need shows the (?P<name>\w+)'s export"))
def export_recorded(api: Api, need: dict[str, Any], name: str) -> None:
    reads = succeeded(api.get("auditor", f"/needs/{need['id']}/reads"))["reads"]
    assert any(r["username"] == name and r["via"].endswith("/export") for r in reads)


@then(
    parsers.re(
        r"the PDF reads "
        + QUOTED.format("first")
        + ", "
        + QUOTED.format("second")
        + " and "
        + QUOTED.format("third")
    )
)
def pdf_reads(written: str, first: str, second: str, third: str) -> None:
    for words in (first, second, third):
        assert words in written


@then("the PDF gives the hash of every event")
def pdf_hashes(api: Api, need: dict[str, Any], written: str) -> None:
    history = succeeded(api.get("auditor", f"/needs/{need['id']}/history"))["events"]
    assert all(e["chain"] in written for e in history)
