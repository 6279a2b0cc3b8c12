"""Failed sign-ins are counted where every process sees them: in the store (SQLite or
PostgreSQL) when no Redis is configured, in Redis when one is. Two processes on one store allow
no more guesses than one."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import Any

import pytest
from flask import Flask

from kernel.community import DEMO_COMMUNITY
from tests.integration.conftest import CHEAP_HASHING, PASSWORD
from web import create_app, services

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/8")
# A separate process: its own Flask app, its own limiter, its own memory.
GUESSER = """
import json, sys
from web import create_app
app = create_app({"DATABASE_URL": sys.argv[1], **json.loads(sys.argv[2])})
client = app.test_client()
wrong = {"username": sys.argv[3], "password": "not the password"}
print(json.dumps([
    client.post("/api/v1/auth/tokens", json=wrong).status_code for _ in range(int(sys.argv[4]))
]))
"""


@pytest.fixture
def leader3(app: Flask) -> str:
    with app.app_context():
        services().accounts.register_user(
            community=DEMO_COMMUNITY.id,
            username="leader3",
            password=PASSWORD,
            role="block_leader",
            blocks=["B3"],
            actor="setup",
        )
    return "leader3"


def guesses_in_another_process(database_url: str, username: str, count: int) -> list[int]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            GUESSER,
            database_url,
            json.dumps(CHEAP_HASHING),
            username,
            str(count),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_two_processes_on_one_store_share_the_count_of_failed_sign_ins(
    database_url: str, leader3: str
) -> None:
    assert guesses_in_another_process(database_url, leader3, 3) == [401] * 3
    assert guesses_in_another_process(database_url, " LEADER3", 3) == [401, 401, 429]


def test_the_count_is_kept_per_username_and_address(app: Flask, leader3: str) -> None:
    client = app.test_client()
    wrong = {"username": leader3, "password": "not the password"}
    assert [client.post("/api/v1/auth/tokens", json=wrong).status_code for _ in range(6)] == [
        401
    ] * 5 + [429]
    other = client.post("/api/v1/auth/tokens", json={"username": "leader5", "password": "x"})
    assert other.status_code == 401


def test_the_start_says_where_failed_sign_ins_are_counted(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="web.security"):
        create_app({"DATABASE_URL": database_url})
        create_app({"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL})
    said = [r.getMessage() for r in caplog.records if r.name == "web.security"]
    store = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    assert said == [
        f"failed sign-ins are counted in the store ({store}), shared by every process; "
        "set REDIS_URL to count them in Redis",
        "failed sign-ins are counted in Redis",
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_with_redis_two_apps_share_the_count_there(
    tmp_path: Any, database_url: str, app_config: dict[str, Any]
) -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    first, second = (
        create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp_path}/{name}.sqlite",
                "REDIS_URL": REDIS_URL,
                **app_config,
            }
        )
        for name in ("one", "two")
    )
    wrong = {"username": "nobody", "password": "not the password"}
    for flask_app in (first, second):
        assert flask_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    assert [
        first.test_client().post("/api/v1/auth/tokens", json=wrong).status_code for _ in range(5)
    ] == [401] * 5
    assert second.test_client().post("/api/v1/auth/tokens", json=wrong).status_code == 429
    redis.Redis.from_url(REDIS_URL).flushdb()
