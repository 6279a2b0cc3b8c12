"""Counters that expire, as the sign-in limits keep them in the store without Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.counters import Counters
from store.sqlstore import SQLiteStore


class Now:
    def __init__(self) -> None:
        self.seconds = 1_800_000_000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def counters(tmp_path: Path, now: Now) -> Iterator[Counters]:
    store = SQLiteStore(str(tmp_path / "views.sqlite"))
    built = Counters(store, now)
    built.create_tables()
    yield built
    store.close()


def test_a_count_grows_until_its_window_ends_then_starts_afresh(
    counters: Counters, now: Now
) -> None:
    assert [counters.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert counters.get("k") == 3
    assert counters.get_expiry("k") == now.seconds + 60

    now.seconds += 60

    assert counters.get("k") == 0
    assert counters.incr("k", 60) == 1


def test_counts_are_kept_per_key_and_can_be_cleared(counters: Counters) -> None:
    counters.incr("a", 60, amount=2)
    counters.incr("b", 60)

    counters.clear("a")

    assert (counters.get("a"), counters.get("b")) == (0, 1)
    assert counters.reset() == 1
    assert counters.get("b") == 0


def test_two_counters_on_one_store_count_together(tmp_path: Path, now: Now) -> None:
    first = Counters(SQLiteStore(str(tmp_path / "shared.sqlite")), now)
    second = Counters(SQLiteStore(str(tmp_path / "shared.sqlite")), now)
    first.create_tables()

    first.incr("leader3", 60)
    second.incr("leader3", 60)

    assert first.get("leader3") == second.get("leader3") == 2
