from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

import pytest

from accounts.application import Accounts
from accounts.exceptions import InvalidAccountError, InvalidCredentialsError
from accounts.tokens import Authenticator, Resolved, TokenStore
from kernel.clock import ManualClock

from .conftest import PASSWORD

Register = Callable[..., UUID]
HOURS_12 = timedelta(hours=12)


def stored_rows(tokens: TokenStore) -> list[dict[str, object]]:
    with tokens.store.read() as sql:
        return sql.execute("SELECT * FROM auth_tokens").fetchall()


def test_a_token_is_random_long_and_stored_only_as_its_digest(
    accounts: Accounts, register: Register, tokens: TokenStore, clock: ManualClock
) -> None:
    register()
    user = accounts.get_user("leader3")

    token, expires_at = tokens.issue(user, clock.now(), HOURS_12)
    other, _ = tokens.issue(user, clock.now(), HOURS_12)

    assert len(token) >= 43  # 32 random bytes, base64url
    assert token != other
    assert expires_at == clock.now() + HOURS_12
    rows = stored_rows(tokens)
    assert {row["digest"] for row in rows} == {
        hashlib.sha256(t.encode()).hexdigest() for t in (token, other)
    }
    assert not any(token in str(value) for row in rows for value in row.values())


def test_a_token_resolves_to_its_user_and_epoch_until_it_expires(
    accounts: Accounts, register: Register, tokens: TokenStore, clock: ManualClock
) -> None:
    register()
    token, expires_at = tokens.issue(accounts.get_user("leader3"), clock.now(), HOURS_12)

    assert tokens.resolve(token, clock.now()) == Resolved("leader3", 0, None)
    assert tokens.resolve(token, expires_at - timedelta(microseconds=1)) == Resolved(
        "leader3", 0, None
    )
    assert tokens.resolve(token, expires_at) is None


@pytest.mark.parametrize("token", ["", "made-up", None])
def test_an_unknown_token_resolves_to_nothing(tokens: TokenStore, clock: ManualClock, token: str):
    assert tokens.resolve(token, clock.now()) is None


def test_revoking_a_user_forgets_their_tokens_only(
    accounts: Accounts, register: Register, tokens: TokenStore, clock: ManualClock
) -> None:
    register()
    register(username="leader4", blocks=["B4"])
    mine = [tokens.issue(accounts.get_user("leader3"), clock.now(), HOURS_12)[0] for _ in "ab"]
    theirs, _ = tokens.issue(accounts.get_user("leader4"), clock.now(), HOURS_12)

    assert tokens.revoke_user("leader3") == 2

    assert [tokens.resolve(t, clock.now()) for t in mine] == [None, None]
    assert tokens.resolve(theirs, clock.now()) == Resolved("leader4", 0, None)


def test_purging_forgets_expired_tokens_only(
    accounts: Accounts, register: Register, tokens: TokenStore, clock: ManualClock
) -> None:
    register()
    user = accounts.get_user("leader3")
    tokens.issue(user, clock.now(), timedelta(hours=1))
    live, _ = tokens.issue(user, clock.now(), timedelta(hours=3))

    assert tokens.purge_expired(clock.now() + timedelta(hours=2)) == 1

    assert len(stored_rows(tokens)) == 1
    assert tokens.resolve(live, clock.now()) == Resolved("leader3", 0, None)


def test_issuing_a_token_forgets_the_users_expired_ones(
    accounts: Accounts, register: Register, tokens: TokenStore, clock: ManualClock
) -> None:
    register()
    register(username="leader4", blocks=["B4"])
    tokens.issue(accounts.get_user("leader3"), clock.now(), timedelta(hours=1))
    tokens.issue(accounts.get_user("leader4"), clock.now(), timedelta(hours=1))

    tokens.issue(accounts.get_user("leader3"), clock.now() + timedelta(hours=2), HOURS_12)

    assert sorted(row["username"] for row in stored_rows(tokens)) == ["leader3", "leader4"]


def test_logging_in_gives_a_token_that_names_the_user(
    authenticator: Authenticator, register: Register, clock: ManualClock
) -> None:
    register()

    token, expires_at, user = authenticator.login("leader3", PASSWORD)

    assert user.username == "leader3"
    assert expires_at == clock.now() + HOURS_12
    assert authenticator.principal_for(token) == user


def test_logging_in_with_a_wrong_password_gives_no_token(
    authenticator: Authenticator, register: Register, tokens: TokenStore
) -> None:
    register()

    with pytest.raises(InvalidCredentialsError):
        authenticator.login("leader3", "not the password")

    assert stored_rows(tokens) == []


def test_a_token_stops_working_when_it_expires(
    authenticator: Authenticator, register: Register, clock: ManualClock
) -> None:
    register()
    token, _, _ = authenticator.login("leader3", PASSWORD)

    clock.advance(hours=11, minutes=59)
    assert authenticator.principal_for(token) is not None
    clock.advance(minutes=1)
    assert authenticator.principal_for(token) is None


def test_logging_out_ends_that_token_only(authenticator: Authenticator, register: Register) -> None:
    register()
    token, _, _ = authenticator.login("leader3", PASSWORD)
    other, _, _ = authenticator.login("leader3", PASSWORD)

    assert authenticator.logout(token) is True

    assert authenticator.principal_for(token) is None
    assert authenticator.principal_for(other) is not None
    assert authenticator.logout(token) is False


@pytest.mark.parametrize(
    ("change", "arguments"),
    [
        ("disable", {}),
        ("change_password", {"password": "a new password"}),
        ("change_role", {"role": "auditor"}),
    ],
)
def test_the_facade_ends_the_users_sessions(
    authenticator: Authenticator,
    register: Register,
    tokens: TokenStore,
    change: str,
    arguments: dict[str, str],
) -> None:
    register()
    token, _, _ = authenticator.login("leader3", PASSWORD)

    getattr(authenticator, change)("leader3", actor="secretary", **arguments)

    assert authenticator.principal_for(token) is None
    assert stored_rows(tokens) == []


@pytest.mark.parametrize(
    ("change", "arguments"),
    [
        ("disable_user", {}),
        ("change_password", {"password": "a new password"}),
        ("change_role", {"role": "auditor"}),
    ],
)
def test_a_token_from_an_older_credentials_epoch_is_dead_even_if_not_revoked(
    authenticator: Authenticator,
    accounts: Accounts,
    register: Register,
    tokens: TokenStore,
    change: str,
    arguments: dict[str, str],
) -> None:
    register()
    token, _, _ = authenticator.login("leader3", PASSWORD)

    getattr(accounts, change)("leader3", actor="secretary", **arguments)

    assert len(stored_rows(tokens)) == 1
    assert authenticator.principal_for(token) is None


def test_enabling_a_disabled_user_does_not_revive_old_tokens(
    authenticator: Authenticator, accounts: Accounts, register: Register
) -> None:
    register()
    old, _, _ = authenticator.login("leader3", PASSWORD)
    accounts.disable_user("leader3", actor="secretary")
    accounts.enable_user("leader3", actor="secretary")

    new, _, _ = authenticator.login("leader3", PASSWORD)

    assert authenticator.principal_for(old) is None
    assert authenticator.principal_for(new) is not None


def test_a_refused_facade_command_leaves_the_sessions_alone(
    authenticator: Authenticator, register: Register
) -> None:
    register()
    token, _, _ = authenticator.login("leader3", PASSWORD)

    with pytest.raises(InvalidAccountError):
        authenticator.change_password("leader3", password="short", actor="leader3")

    assert authenticator.principal_for(token) is not None
