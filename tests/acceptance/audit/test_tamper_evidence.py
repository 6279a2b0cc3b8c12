"""Steps of features/auditor/tamper_evidence.feature: the audit CLI on a real SQLite store (the
steps shared with the other audit specifications are in this folder's conftest.py)."""

from __future__ import annotations

import sqlite3
from uuid import UUID

from click.testing import Result
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then

from kernel.community import DEMO_COMMUNITY
from tests.acceptance.audit.conftest import tamper
from web import services

scenarios("auditor/tamper_evidence.feature")


@given(parsers.parse("someone changed who wrote event {version:d} in the database"))
def changed(app: Flask, case: UUID, version: int) -> None:
    tamper(
        app,
        "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
        "'leader3', 'leader9') AS BLOB) WHERE originator_id=? AND originator_version=?",
        case.hex,
        version,
    )


@given(parsers.parse("someone deleted event {version:d} from the database"))
def deleted(app: Flask, case: UUID, version: int) -> None:
    tamper(
        app,
        "DELETE FROM stored_events WHERE originator_id=? AND originator_version=?",
        case.hex,
        version,
    )


@given(parsers.parse("the case's urgency was raised to high in event {version:d}"))
def raised(app: Flask, case: UUID, version: int) -> None:
    with app.app_context():
        services().needs.change_urgency(case, "high", "漏水加剧", actor="leader3")
        assert services().needs.get_need(case)["version"] == version


@given("someone changed who raised it and to what in the database, and blanked its hash")
def forged(app: Flask, case: UUID) -> None:
    with app.app_context():
        running = services()
        newest = running.needs.get_history(case)[-1]
        with sqlite3.connect(running.settings.sqlite_path("needs")) as conn:
            (state,) = conn.execute(
                "SELECT state FROM stored_events WHERE originator_id=? AND originator_version=?",
                (case.hex, newest["version"]),
            ).fetchone()
            for old, new in (
                (b'"actor":"leader3"', b'"actor":"leader9"'),
                (b'"_data_":"high"', b'"_data_":"critical"'),
                (b'"chain":"' + newest["chain"].encode() + b'"', b'"chain":""'),
            ):
                assert old in state
                state = state.replace(old, new)
            conn.execute(
                "UPDATE stored_events SET state=? WHERE originator_id=? AND originator_version=?",
                (state, case.hex, newest["version"]),
            )
        running.needs.repository.cache.clear()


@given(
    parsers.parse("a second case, in block {block}, logged by {leader}"),
    target_fixture="second_case",
)
def second_case(app: Flask, block: str, leader: str) -> UUID:
    with app.app_context():
        return services().casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="emergency",
            block=block,
            building=25,
            description="独居老人摔倒",
            urgency="high",
            actor=leader,
        )


@given("someone changed who logged the second case in the database")
def changed_second(app: Flask, second_case: UUID) -> None:
    tamper(
        app,
        "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
        "'leader5', 'leader7') AS BLOB) WHERE originator_id=? AND originator_version=1",
        second_case.hex,
    )


@then(parsers.parse("the second case is reported broken at version {version:d}"))
def second_broken(verdict: Result, second_case: UUID, version: int) -> None:
    assert f"BROKEN need {second_case} version {version}: altered" in verdict.stdout
