from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest

from accounts.application import Accounts
from accounts.exceptions import UserNotFoundError
from accounts.views import record_of
from kernel.clock import ManualClock

from .conftest import HOSPITAL_ID

Register = Callable[..., UUID]


def test_the_list_is_sorted_by_username_and_filtered_by_community(
    accounts: Accounts, register: Register
) -> None:
    register(username="leader5", blocks=["B5"])
    register(username="auditor", role="auditor", blocks=[])
    register(username="leader1", blocks=["B1"], community="another")

    assert [u.username for u in accounts.list_users()] == ["auditor", "leader1", "leader5"]
    assert [u.username for u in accounts.list_users("another")] == ["leader1"]
    assert accounts.list_users("nowhere") == []


def test_getting_an_unknown_user_raises_not_found_and_finding_one_gives_none(
    accounts: Accounts,
) -> None:
    with pytest.raises(UserNotFoundError):
        accounts.get_user("nobody")

    assert accounts.find_user("nobody") is None


def test_the_directory_agrees_with_the_user_after_every_kind_of_change(
    accounts: Accounts, register: Register, clock: ManualClock
) -> None:
    user_id = register()
    changes = [
        lambda: accounts.change_role(
            "leader3", role="partner", partner_id=HOSPITAL_ID, actor="secretary"
        ),
        lambda: accounts.change_password("leader3", password="a new password", actor="leader3"),
        lambda: accounts.disable_user("leader3", reason="left", actor="secretary"),
        lambda: accounts.enable_user("leader3", actor="secretary"),
    ]
    assert accounts.get_user("leader3") == record_of(accounts.repository.get(user_id))

    for change in changes:
        clock.advance(minutes=5)
        change()
        assert accounts.get_user("leader3") == record_of(accounts.repository.get(user_id))


def test_a_user_registered_by_another_process_is_seen(
    sqlite_accounts: Callable[[], Accounts],
) -> None:
    here, there = sqlite_accounts(), sqlite_accounts()
    assert here.list_users() == []

    there.register_user(
        community="c", username="auditor", password="a password", role="auditor", actor="x"
    )
    there.disable_user("auditor", actor="x")

    assert [(u.username, u.active) for u in here.list_users()] == [("auditor", False)]
    assert here.get_user("auditor") == there.get_user("auditor")


def test_a_fresh_process_rebuilds_the_directory_from_the_log(
    sqlite_accounts: Callable[[], Accounts],
) -> None:
    first = sqlite_accounts()
    for name in ("ab", "cd", "ef"):
        first.register_user(
            community="c", username=name, password="a password", role="auditor", actor="x"
        )

    assert [u.username for u in sqlite_accounts().list_users()] == ["ab", "cd", "ef"]
