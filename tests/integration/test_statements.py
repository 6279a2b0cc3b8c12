"""Signed seal statements: an outside auditor can prove later that nothing changed."""

from __future__ import annotations

import json

import pytest

from kernel.community import DEMO_COMMUNITY
from store.statements import (
    new_signing_key,
    public_key_text,
    signing_key,
    statement_is_genuine,
)
from tests.integration.conftest import PASSWORD
from web import create_app, services

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SIGNING_KEY": new_signing_key()}


@pytest.fixture
def app(app):
    """The app with a need logged, an auditor to read statements, and the first seal."""
    runner = app.test_cli_runner()
    with app.app_context():
        running = services()
        running.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="hardship",
            block="B3",
            building=15,
            description="x",
            urgency="low",
            actor="leader3",
        )
        running.accounts.register_user(
            community=DEMO_COMMUNITY.id,
            username="auditor",
            role="auditor",
            password=PASSWORD,
            actor="setup",
        )
    assert runner.invoke(args=["audit", "seal"]).exit_code == 0
    return app


def test_the_statement_is_signed_and_names_its_public_key(app):
    result = app.test_cli_runner().invoke(args=["audit", "statement"])
    assert result.exit_code == 0, result.output
    statement = json.loads(result.output)
    assert (statement["seal_no"], statement["algorithm"]) == (1, "Ed25519")
    assert statement_is_genuine(statement)
    public = app.test_client().get("/api/v1/audit/public-key").json
    assert (public["algorithm"], public["public_key"]) == ("Ed25519", statement["public_key"])
    assert statement_is_genuine(statement, public["public_key"])


def test_a_statement_changed_afterwards_no_longer_verifies(app):
    statement = json.loads(app.test_cli_runner().invoke(args=["audit", "statement"]).output)
    forged = {**statement, "log_hash": "0" * 64}
    assert not statement_is_genuine(forged)
    stranger = public_key_text(signing_key(new_signing_key()))
    assert not statement_is_genuine(statement, stranger)  # signed by someone else's key


def test_auditors_fetch_seals_and_statements_over_the_api(app):
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "auditor", "password": PASSWORD}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    seals = client.get("/api/v1/audit/seals", headers=headers).json
    assert [s["seal_no"] for s in seals] == [1]
    statement = client.get("/api/v1/audit/seals/1/statement", headers=headers).json
    assert statement["seal_hash"] == seals[0]["seal_hash"]
    assert statement_is_genuine(statement)
    assert client.get("/api/v1/audit/seals/9/statement", headers=headers).status_code == 404


def test_without_a_signing_key_no_statement_is_made(database_url, clock):
    flask_app = create_app({"DATABASE_URL": database_url, "CLOCK": clock})
    runner = flask_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["audit", "statement"])
    assert result.exit_code != 0
    assert flask_app.test_client().get("/api/v1/audit/public-key").status_code == 404
    built = flask_app.extensions.get("needs.services")
    if built is not None:
        built.close()
