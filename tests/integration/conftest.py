"""The service as a Flask app on a fresh store (SQLite and PostgreSQL), and signing in to its
API. A test module or folder changes the app's settings by overriding `app_config`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kernel.clock import ManualClock
from tests.integration.vendor_receivers import VendorReceiver
from web import create_app, services
from web.bootstrap import Services, close_services

PASSWORD = "correct horse battery"
# argon2id at its cheapest: the tests are about the flows, not the cost.
CHEAP_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "8", "PASSWORD_PARALLELISM": "1"}


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Settings beside the store and the clock."""
    return dict(CHEAP_HASHING)


@pytest.fixture
def app(database_url: str, clock: ManualClock, app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app with its tables created (`init-db`), closed after the test."""
    flask_app = create_app({"DATABASE_URL": database_url, "CLOCK": clock, **app_config})
    flask_app.config["TESTING"] = True
    result = flask_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    yield flask_app
    close_services(flask_app)


@pytest.fixture
def running(app: Flask) -> Iterator[Services]:
    """The app's services, inside its application context."""
    with app.app_context():
        yield services()


@pytest.fixture
def as_user(client: FlaskClient) -> Callable[[str], dict[str, str]]:
    """Headers of a signed-in user (each user signs in once per test)."""
    tokens: dict[str, str] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            response = client.post(
                "/api/v1/auth/tokens", json={"username": username, "password": PASSWORD}
            )
            assert response.status_code == 201, response.json
            tokens[username] = response.json["token"]
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


# Local stand-ins for the vendors' robots and an SMS gateway, speaking their formats.
@pytest.fixture
def wecom() -> Iterator[VendorReceiver]:
    with VendorReceiver("wecom") as receiver:
        yield receiver


@pytest.fixture
def dingtalk() -> Iterator[VendorReceiver]:
    with VendorReceiver("dingtalk") as receiver:
        yield receiver


@pytest.fixture
def sms() -> Iterator[VendorReceiver]:
    with VendorReceiver("sms") as receiver:
        yield receiver
