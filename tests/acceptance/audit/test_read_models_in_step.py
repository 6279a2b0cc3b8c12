"""Steps of features/auditor/read_models_in_step.feature: `audit verify` checks each read model
against the log it follows (the shared steps are in this folder's conftest.py)."""

from __future__ import annotations

from uuid import UUID

from click.testing import Result
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then

from web import services

scenarios("auditor/read_models_in_step.feature")


@given("the case list skipped a note added to the case")
def skipped(app: Flask, case: UUID) -> None:
    with app.app_context():
        running = services()
        running.needs.after_save.remove(running.follower.follow)
        running.needs.add_note(case, "物业又来了一次", actor="leader3")
        with running.view.store.write() as sql:  # the position moves on, the rows do not
            sql.execute(
                "UPDATE view_tracking SET notification_id=%(newest)s WHERE application_name=%(a)s",
                {"newest": running.needs.recorder.max_notification_id(), "a": "Needs"},
            )


@then(parsers.parse("the summary says {count:d} read models are in step with the log"))
def in_step(verdict: Result, count: int) -> None:
    assert f", {count} read models in step with the log, in " in verdict.stdout.splitlines()[-1]
