"""Rotating the signing key: statements name their key, the retired keys are still served,
and a statement signed before the rotation still verifies."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kernel.community import DEMO_COMMUNITY
from store.statements import SIGNED_FIELDS, new_signing_key, public_key_text, signing_key
from web import create_app, services

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
OLD, NEW = new_signing_key(), new_signing_key()
OLD_PUBLIC = public_key_text(signing_key(OLD))


@pytest.fixture
def open_app(database_url, clock) -> Iterator:
    opened: list[Flask] = []

    def open_with(**keys: str) -> Flask:
        flask_app = create_app({"DATABASE_URL": database_url, "CLOCK": clock, **keys})
        opened.append(flask_app)
        return flask_app

    yield open_with
    for flask_app in opened:
        built = flask_app.extensions.get("needs.services")
        if built is not None:
            built.close()


def seal_and_state(flask_app: Flask) -> dict:
    """Log something new, seal it, and return the newest seal's statement."""
    runner = flask_app.test_cli_runner()
    with flask_app.app_context():
        services().casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="hardship",
            block="B3",
            building=15,
            description="x",
            urgency="low",
            actor="leader3",
        )
    assert runner.invoke(args=["audit", "seal"]).exit_code == 0
    result = runner.invoke(args=["audit", "statement"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def before(open_app, tmp_path) -> Path:
    """A statement signed with the old key, kept by an outside auditor."""
    flask_app = open_app(SIGNING_KEY=OLD)
    assert flask_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    kept = tmp_path / "statement-1.json"
    kept.write_text(json.dumps(seal_and_state(flask_app), ensure_ascii=False), encoding="utf-8")
    return kept


@pytest.fixture
def rotated(open_app) -> Flask:
    return open_app(SIGNING_KEY=NEW, SIGNING_KEYS_RETIRED=OLD_PUBLIC)


def verify(flask_app: Flask, *args: str):
    return flask_app.test_cli_runner().invoke(args=["audit", "verify-statement", *args])


def test_a_statement_names_its_key_by_id(before):
    statement = json.loads(before.read_text(encoding="utf-8"))
    raw = base64.b64decode(OLD_PUBLIC)
    assert statement["key_id"] == hashlib.sha256(raw).hexdigest()[:16]


def test_the_public_key_endpoint_serves_the_current_key_and_the_retired_ones(before, rotated):
    served = rotated.test_client().get("/api/v1/audit/public-key").json
    new_public = public_key_text(signing_key(NEW))
    assert served["public_key"] == new_public
    assert [(k["public_key"], k["status"]) for k in served["keys"]] == [
        (new_public, "current"),
        (OLD_PUBLIC, "retired"),
    ]
    assert served["key_id"] == served["keys"][0]["key_id"]
    assert served["keys"][1]["key_id"] == json.loads(before.read_text())["key_id"]


def test_a_statement_signed_before_the_rotation_still_verifies(before, rotated):
    result = verify(rotated, str(before))
    assert result.exit_code == 0, result.output
    assert "signed with the retired key" in result.output
    fresh = seal_and_state(rotated)
    assert fresh["key_id"] != json.loads(before.read_text())["key_id"]
    path = before.with_name("statement-2.json")
    path.write_text(json.dumps(fresh), encoding="utf-8")
    assert "signed with the current key" in verify(rotated, str(path)).output


def test_a_forged_or_foreign_statement_is_refused(before, rotated, tmp_path):
    statement = json.loads(before.read_text(encoding="utf-8"))
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**statement, "log_hash": "0" * 64}), encoding="utf-8")
    result = verify(rotated, str(forged))
    assert result.exit_code == 1
    assert "NOT GENUINE: its signature does not match" in result.output
    stranger = signing_key(new_signing_key())
    foreign = tmp_path / "foreign.json"
    foreign.write_text(
        json.dumps({**statement, "public_key": public_key_text(stranger)}), encoding="utf-8"
    )
    assert "a key this service does not serve" in verify(rotated, str(foreign)).output


def test_once_a_key_is_no_longer_served_its_statements_are_not_taken(before, open_app):
    result = verify(open_app(SIGNING_KEY=NEW), str(before))
    assert result.exit_code == 1
    assert "a key this service does not serve" in result.output


def test_an_outside_auditor_checks_against_a_saved_copy_of_the_served_keys(
    before, rotated, tmp_path
):
    keys = tmp_path / "keys.json"
    keys.write_text(rotated.test_client().get("/api/v1/audit/public-key").text, encoding="utf-8")
    result = verify(rotated, str(before), "--keys", str(keys))
    assert result.exit_code == 0, result.output


def test_a_statement_from_before_keys_had_ids_still_verifies(before, rotated, tmp_path):
    key = signing_key(OLD)
    statement = {k: v for k, v in json.loads(before.read_text()).items() if k != "key_id"}
    body = {k: statement[k] for k in SIGNED_FIELDS}
    message = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    statement["signature"] = base64.b64encode(key.sign(message.encode())).decode()
    old_style = tmp_path / "old-style.json"
    old_style.write_text(json.dumps(statement), encoding="utf-8")
    assert verify(rotated, str(old_style)).exit_code == 0
