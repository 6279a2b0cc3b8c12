"""The pages through Flask's test client on a fresh SQLite store, with the tests' people and
partners; a `Phone` that signs in, follows the pages and sends their forms with CSRF tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from web import create_app, services
from web.pages.cli import compile_catalogues

COMMUNITY = DEMO_COMMUNITY.id
PASSWORD = "correct horse battery"
CHEAP_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "8", "PASSWORD_PARALLELISM": "1"}
PARTNERS = {
    "hospital": ("利群医院", "hospital", ["emergency", "hardship", "worry_relief"], ["*"]),
    "police": ("长征派出所", "police", ["emergency", "mediation"], ["*"]),
    "property": ("物业公司", "property", ["emergency", "hardship"], ["*"]),
}
PEOPLE: list[dict[str, Any]] = [
    {"username": "secretary", "role": "secretary"},
    {"username": "leader3", "role": "block_leader", "blocks": ["B3"]},
    {"username": "leader5", "role": "block_leader", "blocks": ["B5"]},
    {"username": "auditor", "role": "auditor"},
]
_TOKEN = re.compile(r'name="(?:[\w-]+-)?csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session", autouse=True)
def catalogues() -> None:
    """The compiled catalogues, fresh from the .po files, whether or not an install compiled
    them (a deploy relies on the build's: tests/integration/test_install.py)."""
    compile_catalogues()


@pytest.fixture
def page_config() -> dict[str, Any]:
    """What a test module configures beyond the defaults (override the fixture)."""
    return {}


@pytest.fixture
def app(tmp_path: Any, clock: ManualClock, page_config: dict[str, Any]) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path}/needs.sqlite"
    flask_app = create_app({"DATABASE_URL": url, "CLOCK": clock, **CHEAP_HASHING, **page_config})
    flask_app.config["TESTING"] = True
    result = flask_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with flask_app.app_context():
        _people(services())
    yield flask_app
    built = flask_app.extensions.get("needs.services")
    if built is not None:
        built.close()


def _people(running: Any) -> None:
    partner_ids = {
        user: running.partners.register_partner(
            community=COMMUNITY,
            name=name,
            kind=kind,
            categories=categories,
            blocks=blocks,
            weekly_capacity=10,
            actor="setup",
        )
        for user, (name, kind, categories, blocks) in PARTNERS.items()
    }
    clerks = [{"username": u, "role": "partner", "partner_id": p} for u, p in partner_ids.items()]
    for person in [*PEOPLE, *clerks]:
        running.accounts.register_user(
            community=COMMUNITY, password=PASSWORD, actor="setup", **person
        )


@dataclass
class Phone:
    """Someone using the pages: remembers the last page's CSRF token, as a browser would."""

    client: FlaskClient
    token: str = ""

    def open(self, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(url, **kwargs)
        self._remember(response)
        return response

    def send(self, url: str, /, prefix: str = "", **fields: Any) -> TestResponse:
        """Send a form as its page would: fields named with the form's prefix, and the token."""
        name = f"{prefix}-" if prefix else ""
        data = {f"{name}{key}": value for key, value in fields.items() if value is not None}
        data[f"{name}csrf_token"] = self.token
        response = self.client.post(url, data=data)
        self._remember(response)
        return response

    def sign_in(self, username: str, password: str = PASSWORD) -> TestResponse:
        """Sign in, and land where a browser would: the form token of the new session."""
        self.open("/sign-in")
        response = self.send("/sign-in", username=username, password=password)
        if response.status_code == 302:
            self._remember(self.client.get(response.headers["Location"]))
        return response

    def _remember(self, response: TestResponse) -> None:
        found = _TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)


@pytest.fixture
def phone(app: Flask) -> Phone:
    return Phone(app.test_client())


@pytest.fixture
def leader(phone: Phone) -> Phone:
    """leader3, block leader of B3, signed in."""
    assert phone.sign_in("leader3").status_code == 302
    return phone


def log_need(app: Flask, **changes: Any) -> UUID:
    """A need logged through the application, as leader3 in B3 unless told otherwise."""
    fields: dict[str, Any] = {
        "community": COMMUNITY,
        "category": "emergency",
        "block": "B3",
        "building": "15号楼",
        "unit": "2",
        "room": "502",
        "resident_name": "王秀英",
        "contact_phone": "139 1234 5678",
        "description": "独居老人摔倒，无法起身",
        "urgency": "high",
        "consent_to_share": True,
        "actor": "leader3",
        **changes,
    }
    with app.app_context():
        need_id: UUID = services().casework.log_need(**fields)
    return need_id


def partner_id(app: Flask, username: str) -> UUID:
    with app.app_context():
        found: UUID = services().accounts.get_user(username).partner_id
    return found


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
