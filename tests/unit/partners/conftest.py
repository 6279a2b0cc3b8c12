"""Fixtures for the partner directory's unit tests: an in-memory application on a clock we move."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from partners.application import Partners

START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def partners(clock: Clock) -> Partners:
    return Partners(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)


def _hospital(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "community": "怒江苑",
        "name": "利群医院",
        "kind": "hospital",
        "categories": ["emergency", "hardship", "worry_relief"],
        "blocks": ["*"],
        "weekly_capacity": 5,
        "contact": "021-5555 0101",
        "actor": "secretary",
    }
    arguments.update(overrides)
    return arguments


@pytest.fixture
def hospital() -> Callable[..., dict[str, Any]]:
    """Arguments registering Liqun Hospital in the demo community, with any overrides."""
    return _hospital


@pytest.fixture
def register(partners: Partners) -> Callable[..., UUID]:
    """Register a partner (Liqun Hospital unless overridden) and return its id."""

    def register(**overrides: Any) -> UUID:
        return partners.register_partner(**_hospital(**overrides))

    return register


@pytest.fixture
def sqlite_partners(tmp_path: Path) -> Iterator[Callable[..., Partners]]:
    """Open Partners applications, as separate processes would, on one SQLite file."""
    opened: list[Partners] = []

    def open_partners(clock: Callable[[], datetime] | None = None) -> Partners:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "p.sqlite"),
        }
        opened.append(Partners(env=env, clock=clock))
        return opened[-1]

    yield open_partners
    for partners in opened:
        partners.close()
