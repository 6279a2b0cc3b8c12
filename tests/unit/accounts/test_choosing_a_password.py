"""What a password may not be: too short or too long, one of the 10,000 most common passwords,
or little more than the username or the community's name — for a new user and a new password
alike."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from uuid import UUID

import pytest

from accounts.application import Accounts
from accounts.exceptions import WeakPasswordError
from accounts.passwords import COMMON_PASSWORDS, PasswordHasher, check_password
from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY

Register = Callable[..., UUID]


def test_the_list_shipped_holds_the_10000_most_common_passwords() -> None:
    shipped = resources.files("accounts").joinpath("data/common-passwords.txt").read_text("utf-8")
    assert len([line for line in shipped.splitlines() if line]) == 10_000
    assert len(COMMON_PASSWORDS) > 9_900  # fewer once "Password" and "password" are one
    assert {"123456", "password", "qwerty", "iloveyou", "12345678"} <= COMMON_PASSWORDS


@pytest.mark.parametrize("password", ["12345678", "iloveyou", "password", "PassWord", "sunshine"])
def test_one_of_the_most_common_passwords_is_refused_whatever_its_case(
    register: Register, password: str
) -> None:
    with pytest.raises(WeakPasswordError) as raised:
        register(password=password)

    assert raised.value.field == "password"
    assert raised.value.reason == "common"
    assert "common" in raised.value.message


@pytest.mark.parametrize("password", ["leader3leader3", "Leader3!", "2024leader3", " leader3 x"])
def test_the_username_with_a_few_characters_around_it_is_refused(
    register: Register, password: str
) -> None:
    with pytest.raises(WeakPasswordError) as raised:
        register(password=password)

    assert raised.value.reason == "personal"


def test_a_long_password_that_mentions_the_username_is_accepted(
    accounts: Accounts, register: Register
) -> None:
    register(password="leader3 walks the dog at dawn")

    assert accounts.authenticate("leader3", "leader3 walks the dog at dawn").username == "leader3"


def test_the_communitys_name_is_refused(clock: ManualClock, hasher: PasswordHasher) -> None:
    accounts = Accounts(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        clock=clock.now,
        hasher=hasher,
        community_names={DEMO_COMMUNITY.id: DEMO_COMMUNITY.name},
    )
    with pytest.raises(WeakPasswordError) as raised:
        accounts.register_user(
            community=DEMO_COMMUNITY.id,
            username="leader3",
            password="怒江苑怒江苑怒江苑",
            role="auditor",
            actor="secretary",
        )

    assert raised.value.reason == "personal"


def test_a_new_password_obeys_the_same_rules(accounts: Accounts, register: Register) -> None:
    register()

    for password in ("iloveyou", "leader3!!"):
        with pytest.raises(WeakPasswordError):
            accounts.change_password("leader3", password=password, actor="secretary")

    assert accounts.get_user("leader3").credentials_epoch == 0


def test_the_length_rule_stays() -> None:
    with pytest.raises(WeakPasswordError) as raised:
        check_password("seven77")

    assert raised.value.reason == "length"
    assert check_password("a quiet garden gate") == "a quiet garden gate"
