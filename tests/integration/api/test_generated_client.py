"""The API through a client generated from its served OpenAPI document (openapi-python-client),
over real HTTP: one whole case, and every error read through the generated models."""

from __future__ import annotations

import importlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from http import HTTPStatus
from types import ModuleType
from typing import Any
from uuid import uuid4

import pytest
from werkzeug.serving import make_server

from .conftest import NEED, PASSWORD
from .openapi_doc import OPENAPI

PACKAGE = "needs_client"
# The document's title is Chinese: the generator is given ASCII names to derive nothing from it.
CONFIG = f"project_name_override: needs-client\npackage_name_override: {PACKAGE}\npost_hooks: []\n"


@pytest.fixture
def database_url(tmp_path):
    """What a client reads is the same on either store."""
    return f"sqlite:///{tmp_path}/needs.sqlite"


@pytest.fixture
def base_url(app, world) -> Iterator[str]:
    """The app served over real HTTP on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def generated(base_url, tmp_path) -> Iterator[ModuleType]:
    """The client package generated from the served document, imported from a temp folder."""
    config = tmp_path / "client-config.yaml"
    config.write_text(CONFIG, encoding="ascii")
    target = tmp_path / "client" / PACKAGE
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--url"]
    command += [base_url + OPENAPI, "--config", str(config), "--meta", "none"]
    command += ["--output-path", str(target), "--fail-on-warning"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(target.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(target.parent))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class Client:
    """The generated package, signed in as one user: its operations by module name."""

    def __init__(self, package: ModuleType, base_url: str, username: str) -> None:
        self.package = package
        models = self.models
        signing_in = self.operation("auth", "post_api_v1_auth_tokens")
        credentials = models.Credentials(username=username, password=PASSWORD)
        anonymous = package.Client(base_url=base_url, raise_on_unexpected_status=True)
        token = signing_in.sync(client=anonymous, body=credentials)
        assert isinstance(token, models.Token), token
        self.client = package.AuthenticatedClient(
            base_url=base_url, token=token.token, raise_on_unexpected_status=True
        )

    @property
    def models(self) -> Any:
        return importlib.import_module(f"{PACKAGE}.models")

    def operation(self, tag: str, name: str) -> Any:
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")

    def call(self, tag: str, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.operation(tag, name).sync_detailed(*args, client=self.client, **kwargs)


def error(client: Client, response: Any, status: int, *, invalid: bool = False) -> Any:
    """The error body of a response, as the generated model it is declared as."""
    assert response.status_code == status, response.content
    expected = client.models.ValidationError if invalid else client.models.Error
    parsed = response.parsed
    assert isinstance(parsed, expected), (type(parsed), response.content)
    assert (parsed.code, parsed.status) == (status, HTTPStatus(status).phrase)
    assert isinstance(parsed.message, str)
    assert parsed.message.strip()
    return parsed


def test_a_generated_client_walks_a_whole_case_and_reads_every_error(generated, base_url):
    leader = Client(generated, base_url, "leader3")
    clerk = Client(generated, base_url, "hospital")
    models = leader.models

    wrong = models.LogNeed.from_dict({**NEED, "category": "no_such_category"})
    invalid = error(
        leader, leader.call("needs", "post_api_v1_needs", body=wrong), 422, invalid=True
    )
    assert invalid.errors.json["category"]

    logged = leader.call("needs", "post_api_v1_needs", body=models.LogNeed.from_dict(NEED))
    need = logged.parsed
    assert isinstance(need, models.Need), logged.content
    assert isinstance(need.status, models.NeedStatus)  # the declared enum, as a typed value
    assert (need.status, need.urgency) == (models.NeedStatus.OPEN, models.NeedUrgency.HIGH)

    missing = leader.call("needs", "get_api_v1_needs_need_id", uuid4())
    assert "no need" in error(leader, missing, 404).message

    matches = leader.call("needs", "get_api_v1_needs_need_id_matches", need.id).parsed
    hospital = next(m for m in matches if m.name == "利群医院")

    refer = models.Refer(partner_id=hospital.partner_id, note="请医生上门")
    sent = leader.call(
        "referrals",
        "post_api_v1_needs_need_id_referrals",
        need.id,
        body=refer,
        if_match=logged.headers["ETag"],
    )
    assert isinstance(sent.parsed, models.Referral), sent.content
    referral = sent.parsed
    assert referral.status == "sent"

    accept = models.Accept(note="收到，今天上门")
    stale = clerk.call(
        "referrals",
        "post_api_v1_referrals_referral_id_accept",
        referral.id,
        body=accept,
        if_match=f"W/{sent.headers['ETag']}",
    )
    assert "If-Match" in error(clerk, stale, 412).message
    accepted = clerk.call(
        "referrals",
        "post_api_v1_referrals_referral_id_accept",
        referral.id,
        body=accept,
        if_match=sent.headers["ETag"],
    )
    assert accepted.parsed.status == "accepted"
    again = clerk.call(
        "referrals", "post_api_v1_referrals_referral_id_accept", referral.id, body=accept
    )
    assert "accepted" in error(clerk, again, 409).message

    complete = models.Complete.from_dict({"outcome": "helped", "note": "已送医"})
    completed = clerk.call(
        "referrals",
        "post_api_v1_referrals_referral_id_complete",
        referral.id,
        body=complete,
        if_match=accepted.headers["ETag"],
    )
    assert (completed.parsed.status, completed.parsed.outcome) == ("completed", "helped")

    now = leader.call("needs", "get_api_v1_needs_need_id", need.id)
    resolve = models.Resolve.from_dict({"outcome": "helped", "summary": "已就医，家属陪护"})
    resolved = leader.call(
        "needs",
        "post_api_v1_needs_need_id_resolve",
        need.id,
        body=resolve,
        if_match=now.headers["ETag"],
    )
    assert (resolved.parsed.status, resolved.parsed.resolution) == ("resolved", "helped")

    history = leader.call("needs", "get_api_v1_needs_need_id_history", need.id).parsed
    versions = [event.version for event in history.events]
    assert versions == sorted(versions)
    assert {e.actor for e in history.events} >= {"leader3", "hospital"}
    assert len(history.events) == resolved.parsed.version
