"""Production refuses to start — in create_app, before gunicorn answers anything — while a demo
account keeps the password the demo seed gave it, whatever DEMO_PASSWORD was when it was seeded.
With those passwords changed it starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.cryptography import AESCipher

from tests.integration.conftest import CHEAP_HASHING
from web import create_app, services
from web.config import ConfigurationError
from web.demo.accounts import create_demo_users

SEEDED_WITH = "a seed password of our own"  # DEMO_PASSWORD when the demo was seeded


@pytest.fixture
def production(tmp_path: Path) -> dict[str, Any]:
    """A store seeded with the demo accounts in development, then the production settings."""
    url = f"sqlite:///{tmp_path}/needs.sqlite"
    cipher = AESCipher.create_key(32)
    seeding = create_app({"DATABASE_URL": url, "CIPHER_KEY": cipher, **CHEAP_HASHING})
    assert seeding.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    with seeding.app_context():
        assert "secretary" in create_demo_users(services(), SEEDED_WITH)
    services(seeding).close()
    return {
        "NEEDS_ENV": "production",
        "SECRET_KEY": "s" * 40,
        "CIPHER_KEY": cipher,
        "DATABASE_URL": url,
        **CHEAP_HASHING,
    }


def test_production_refuses_to_create_the_app_while_demo_accounts_keep_their_seeded_password(
    production: dict[str, Any],
) -> None:
    with pytest.raises(ConfigurationError) as refused:
        create_app(production)

    message = str(refused.value)
    assert message.startswith(
        "refusing to start in production: these accounts still have the demo password: "
        "secretary, leader1, "
    )


def test_with_every_demo_password_changed_production_starts(production: dict[str, Any]) -> None:
    changing = create_app({**production, "NEEDS_ENV": "development"})
    with changing.app_context():
        running = services()
        for user in running.accounts.list_users():
            running.authenticator.change_password(
                user.username, password=f"{user.username} keeps a secret", actor="cli"
            )
    running.close()

    app = create_app(production)

    assert app.test_client().get("/api/v1/health").status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_gunicorn_does_not_start_on_a_store_with_demo_passwords(
    production: dict[str, Any], tmp_path: Path
) -> None:
    env = {**os.environ, **{k: str(v) for k, v in production.items()}}
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    started = time.monotonic()
    done = subprocess.run(
        [
            str(gunicorn),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{_free_port()}",
            "web:create_app()",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "still have the demo password" in done.stderr
    assert time.monotonic() - started < 120


def test_in_production_the_operator_can_still_change_a_demo_password(
    production: dict[str, Any], tmp_path: Path
) -> None:
    env = {**os.environ, **{k: str(v) for k, v in production.items()}}
    env.pop("REDIS_URL", None)

    def flask(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "web", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            cwd=tmp_path,
        )

    changed = flask(
        "users", "set-password", "secretary", "--password-stdin", stdin="mine alone now\n"
    )
    assert changed.returncode == 0, changed.stderr
    with pytest.raises(ConfigurationError) as refused:
        create_app(production)
    assert "demo password: leader1, " in str(refused.value)
