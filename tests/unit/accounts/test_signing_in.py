from __future__ import annotations

import dataclasses
from collections.abc import Callable
from uuid import UUID

import argon2
import pytest

from accounts import passwords as module
from accounts.application import Accounts
from accounts.exceptions import InvalidCredentialsError
from accounts.passwords import PasswordHasher
from accounts.views import UserRecord

from .conftest import PASSWORD

Register = Callable[..., UUID]


def test_the_right_password_gives_the_users_record(accounts: Accounts, register: Register) -> None:
    register()

    user = accounts.authenticate("leader3", PASSWORD)

    assert user == accounts.get_user("leader3")


def test_a_username_typed_with_a_capital_still_signs_in(
    accounts: Accounts, register: Register
) -> None:
    register()

    assert accounts.authenticate("Leader3 ", PASSWORD).username == "leader3"


def _refusal(accounts: Accounts, username: str, password: object) -> str:
    with pytest.raises(InvalidCredentialsError) as raised:
        accounts.authenticate(username, password)  # type: ignore[arg-type]
    return raised.value.message


def test_a_wrong_password_an_unknown_user_and_a_disabled_user_are_refused_alike(
    accounts: Accounts, register: Register
) -> None:
    register()
    register(username="leader4", blocks=["B4"])
    accounts.disable_user("leader4", actor="secretary")

    messages = {
        _refusal(accounts, "leader3", "not the password"),
        _refusal(accounts, "nobody", PASSWORD),
        _refusal(accounts, "leader4", PASSWORD),
        _refusal(accounts, "leader3", None),
        _refusal(accounts, "NOT A USERNAME!", PASSWORD),
    }

    assert messages == {"wrong username or password"}


def test_an_unknown_user_costs_a_password_verification_all_the_same(
    accounts: Accounts, hasher: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real_verify = hasher.verify_password

    def spy(password_hash: str, password: str) -> bool:
        verified.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(hasher, "verify_password", spy)

    _refusal(accounts, "nobody", PASSWORD)

    assert len(verified) == 1
    assert verified[0].startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_the_directory_never_holds_a_password_hash(accounts: Accounts, register: Register) -> None:
    register()

    user = accounts.get_user("leader3")

    assert "password_hash" not in {field.name for field in dataclasses.fields(UserRecord)}
    assert not any(str(value).startswith("$argon2") for value in vars(user).values())


def test_passwords_are_hashed_with_argon2id_at_the_configured_cost() -> None:
    hasher = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)

    password_hash = hasher.hash_password(PASSWORD)

    assert password_hash.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    assert PASSWORD not in password_hash
    assert hasher.hash_password(PASSWORD) != password_hash  # a new salt each time


def test_the_default_cost_is_the_rfc_9106_low_memory_profile() -> None:
    default = module._default._argon2
    profile = argon2.profiles.RFC_9106_LOW_MEMORY

    assert (default.time_cost, default.memory_cost, default.parallelism) == (
        profile.time_cost,
        profile.memory_cost,
        profile.parallelism,
    )
    assert default.type is argon2.Type.ID


def test_verifying_says_false_rather_than_raising(hasher: PasswordHasher) -> None:
    password_hash = hasher.hash_password(PASSWORD)

    assert hasher.verify_password(password_hash, PASSWORD) is True
    assert hasher.verify_password(password_hash, "not the password") is False
    assert hasher.verify_password("not a hash", PASSWORD) is False
    assert hasher.verify_password(password_hash, None) is False  # type: ignore[arg-type]


def test_a_hash_made_at_another_cost_needs_rehashing(hasher: PasswordHasher) -> None:
    cheap = hasher.hash_password(PASSWORD)
    dearer = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)

    assert hasher.needs_rehash(cheap) is False
    assert dearer.needs_rehash(cheap) is True
    assert dearer.verify_password(cheap, PASSWORD) is True


def test_the_module_functions_use_the_default_cost() -> None:
    password_hash = module.hash_password(PASSWORD)

    assert module.verify_password(password_hash, PASSWORD) is True
    assert module.verify_password(password_hash, "not the password") is False
    assert module.needs_rehash(password_hash) is False
