"""An in-memory Accounts application with cheap password hashing, and a token store beside it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from accounts.application import Accounts
from accounts.passwords import PasswordHasher
from accounts.tokens import Authenticator, TokenStore
from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from store.sqlstore import SQLiteStore

COMMUNITY = DEMO_COMMUNITY.id
PASSWORD = "correct horse"
HOSPITAL_ID = UUID("00000000-0000-4000-8000-000000000001")


@pytest.fixture
def hasher() -> PasswordHasher:
    """argon2id at its cheapest, so hundreds of hashes take no time."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def accounts(clock: ManualClock, hasher: PasswordHasher) -> Accounts:
    return Accounts({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock.now, hasher=hasher)


def _leader(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "community": COMMUNITY,
        "username": "leader3",
        "password": PASSWORD,
        "role": "block_leader",
        "blocks": ["B3"],
        "actor": "secretary",
    }
    arguments.update(overrides)
    return arguments


@pytest.fixture
def leader() -> Callable[..., dict[str, Any]]:
    """Arguments registering block 3's leader, with any overrides."""
    return _leader


@pytest.fixture
def register(accounts: Accounts) -> Callable[..., UUID]:
    """Register a user (block 3's leader unless overridden) and return its id."""

    def register(**overrides: Any) -> UUID:
        return accounts.register_user(**_leader(**overrides))

    return register


@pytest.fixture
def sqlite_accounts(
    tmp_path: Path, clock: ManualClock, hasher: PasswordHasher
) -> Iterator[Callable[[], Accounts]]:
    """Open Accounts applications, as separate processes would, on one SQLite file."""
    opened: list[Accounts] = []

    def open_accounts() -> Accounts:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "accounts.sqlite"),
        }
        opened.append(Accounts(env, clock=clock.now, hasher=hasher))
        return opened[-1]

    yield open_accounts
    for accounts in opened:
        accounts.close()


@pytest.fixture
def tokens(tmp_path: Path) -> Iterator[TokenStore]:
    store = SQLiteStore(str(tmp_path / "views.sqlite"))
    token_store = TokenStore(store)
    token_store.create_tables()
    yield token_store
    store.close()


@pytest.fixture
def authenticator(accounts: Accounts, tokens: TokenStore, clock: ManualClock) -> Authenticator:
    built = Authenticator(accounts, tokens, clock.now, timedelta(hours=12))
    built.sessions.create_tables()  # the pages' sessions, beside the tokens
    return built
