"""Steps shared by the auditor's specifications of `audit verify` (features/auditor/): a case on
a real SQLite store, the log sealed, someone meddling with the database behind the service's
back, and the auditor's verdict."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from click.testing import Result
from flask import Flask
from pytest_bdd import given, parsers, then, when

from kernel.community import DEMO_COMMUNITY
from web import create_app, services


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


def tamper(app: Flask, statement: str, *params: Any) -> None:
    """Run SQL against the event store's file, behind the service's back."""
    with app.app_context():
        running = services()
        with sqlite3.connect(running.settings.sqlite_path("needs")) as conn:
            conn.execute(statement, params)
        running.needs.repository.cache.clear()


@given(parsers.parse("the case list says it has read {more:d} events more than the log holds"))
def ahead(app: Flask, more: int) -> None:
    with app.app_context():
        running = services()
        with running.view.store.write() as sql:
            sql.execute(
                "UPDATE view_tracking SET notification_id=%(newest)s WHERE application_name=%(a)s",
                {"newest": running.needs.recorder.max_notification_id() + more, "a": "Needs"},
            )


@when("the auditor verifies the log", target_fixture="verdict")
def verify(app: Flask) -> Result:
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@then(parsers.parse("the log is intact with {cases:d} case and {events:d} events"))
def intact(verdict: Result, cases: int, events: int) -> None:
    assert verdict.exit_code == 0, verdict.output
    assert verdict.stdout.startswith(f"intact: {cases} cases, {events} events")


@then(parsers.parse('the log is broken at version {version:d} of the case because it was "{why}"'))
def broken(verdict: Result, case: UUID, version: int, why: str) -> None:
    assert verdict.exit_code == 1
    assert re.search(rf"BROKEN need {case} version {version}: .*{re.escape(why)}", verdict.output)


@then(parsers.parse('the read model "{name}" is reported "{why}"'))
def view_reported(verdict: Result, name: str, why: str) -> None:
    assert verdict.exit_code == 1
    assert re.search(rf"^BROKEN read model {name}: .*{re.escape(why)}", verdict.stdout, re.M)


@then(parsers.parse('the verification fails, its last line summing up "{summary}"'))
def summed_up(verdict: Result, summary: str) -> None:
    assert verdict.exit_code == 1
    assert verdict.stdout.splitlines()[-1].startswith(summary), verdict.stdout
