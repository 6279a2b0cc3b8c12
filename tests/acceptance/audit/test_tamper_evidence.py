"""Steps for features/auditor/tamper_evidence.feature: the audit CLI on a real SQLite store."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from click.testing import Result
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then, when

from kernel.community import DEMO_COMMUNITY
from web import create_app, services

scenarios("auditor/tamper_evidence.feature")


@pytest.fixture
def app(tmp_path: Any, clock: Any) -> Iterator[Flask]:
    flask_app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite", "CLOCK": clock})
    assert flask_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    yield flask_app
    built = flask_app.extensions.get("needs.services")
    if built is not None:
        built.close()


@given("a case in block B3 with a logged need, two notes and a visit", target_fixture="case")
def case(app: Flask) -> UUID:
    with app.app_context():
        needs = services().needs
        need_id = services().casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="hardship",
            block="B3",
            building=15,
            description="楼道漏水",
            urgency="normal",
            actor="leader3",
        )
        needs.add_note(need_id, "已联系物业", actor="leader3")
        needs.add_note(need_id, "物业明天上门", actor="leader3")
        needs.record_visit(need_id, "已修好", actor="leader3")
    return need_id


@given("the log has been sealed")
def sealed(app: Flask) -> None:
    assert app.test_cli_runner().invoke(args=["audit", "seal"]).exit_code == 0


def _tamper(app: Flask, statement: str, *params: Any) -> None:
    with app.app_context():
        running = services()
        with sqlite3.connect(running.settings.sqlite_path("needs")) as conn:
            conn.execute(statement, params)
        running.needs.repository.cache.clear()


@given(parsers.parse("someone changed who wrote event {version:d} in the database"))
def changed(app: Flask, case: UUID, version: int) -> None:
    _tamper(
        app,
        "UPDATE stored_events SET state = CAST(REPLACE(CAST(state AS TEXT), "
        "'leader3', 'leader9') AS BLOB) WHERE originator_id=? AND originator_version=?",
        case.hex,
        version,
    )


@given(parsers.parse("someone deleted event {version:d} from the database"))
def deleted(app: Flask, case: UUID, version: int) -> None:
    _tamper(
        app,
        "DELETE FROM stored_events WHERE originator_id=? AND originator_version=?",
        case.hex,
        version,
    )


@when("the auditor verifies the log", target_fixture="verdict")
def verify(app: Flask) -> Result:
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@then(parsers.parse("the log is intact with {cases:d} case and {events:d} events"))
def intact(verdict: Result, cases: int, events: int) -> None:
    assert verdict.exit_code == 0, verdict.output
    assert verdict.output.startswith(f"intact: {cases} cases, {events} events")


@then(parsers.parse('the log is broken at version {version:d} of the case because it was "{why}"'))
def broken(verdict: Result, case: UUID, version: int, why: str) -> None:
    assert verdict.exit_code == 1
    assert re.search(rf"BROKEN need {case} version {version}: .*{re.escape(why)}", verdict.output)
