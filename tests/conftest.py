"""Fixtures shared by every kind of test: the clock, the stores, the built services."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

from bench.stores import drop_database
from kernel.clock import ManualClock
from web.bootstrap import Services, build_services
from web.config import Settings, load_settings

DEFAULT_TEST_DATABASE_URL = "postgresql://needs:needs@127.0.0.1:5432/needs_test"


@pytest.fixture
def clock() -> ManualClock:
    """Monday 30 November 2026, 09:00 in Shanghai; moves only when a test moves it."""
    return ManualClock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))


def _admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards.
    The test command starts the server; without one this fails rather than skips."""
    admin = _admin_url()
    name = f"needs_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlparse(admin)
    yield urlunparse(parts._replace(path=f"/{name}"))
    drop_database(admin, name)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """The same test against a SQLite file and a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/needs.sqlite"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def settings(tmp_path: object, database_url: str) -> Settings:
    return load_settings(str(tmp_path), {"DATABASE_URL": database_url}, environ={})


@pytest.fixture
def services(settings: Settings, clock: ManualClock) -> Iterator[Services]:
    """The service's applications and read models on a fresh store with tables created."""
    built = build_services(settings, clock=clock, create_tables=True)
    yield built
    built.close()
