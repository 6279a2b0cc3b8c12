"""Serving the pages over HTTPS behind a reverse proxy that ends TLS: with TRUST_PROXY=1 the
proxy's X-Forwarded-Proto makes cookies Secure and adds HSTS; without it those headers are
ignored, so a client cannot claim HTTPS (or another address) by sending them itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kernel.clock import ManualClock
from tests.integration.pages.conftest import CHEAP_HASHING, PASSWORD, _people
from web import create_app, services

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def _app(tmp_path: Any, clock: ManualClock, **config: Any) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path}/needs.sqlite"
    flask_app = create_app({"DATABASE_URL": url, "CLOCK": clock, **CHEAP_HASHING, **config})
    flask_app.config["TESTING"] = True
    assert flask_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    with flask_app.app_context():
        _people(services())
    yield flask_app
    built = flask_app.extensions.get("needs.services")
    if built is not None:
        built.close()


@pytest.fixture
def proxied(tmp_path: Any, clock: ManualClock) -> Iterator[Flask]:
    yield from _app(tmp_path, clock, TRUST_PROXY="1")


@pytest.fixture
def direct(tmp_path: Any, clock: ManualClock) -> Iterator[Flask]:
    yield from _app(tmp_path, clock)


def _sign_in(app: Flask) -> Any:
    client = app.test_client()
    page = client.get("/sign-in", headers=FORWARDED).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    return client.post(
        "/sign-in",
        data={"username": "leader3", "password": PASSWORD, "csrf_token": token},
        headers={**FORWARDED, "Referer": "https://localhost/sign-in"},
        base_url="http://localhost",
    )


def test_behind_a_trusted_proxy_the_session_cookie_is_secure_and_hsts_is_sent(
    proxied: Flask,
) -> None:
    response = _sign_in(proxied)
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_without_trust_the_forwarded_headers_change_nothing(direct: Flask) -> None:
    response = _sign_in(direct)
    assert response.status_code == 302
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers
