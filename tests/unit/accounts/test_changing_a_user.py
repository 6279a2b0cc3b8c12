from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from accounts.application import Accounts
from accounts.domain import User
from accounts.exceptions import (
    AccountStateError,
    InvalidAccountError,
    InvalidCredentialsError,
    UserNotFoundError,
)
from accounts.views import record_of
from kernel.clock import ManualClock

from .conftest import HOSPITAL_ID, PASSWORD

Register = Callable[..., UUID]


def test_changing_the_role_changes_the_scope_and_the_credentials_epoch(
    accounts: Accounts, register: Register, clock: ManualClock
) -> None:
    register()
    clock.advance(hours=1)

    accounts.change_role("leader3", role="partner", partner_id=HOSPITAL_ID, actor="secretary")

    user = accounts.get_user("leader3")
    assert (user.role, user.blocks, user.partner_id) == ("partner", (), HOSPITAL_ID)
    assert user.credentials_epoch == 1
    assert user.version == 2
    assert user.updated_at == clock.now() != user.registered_at


def test_a_new_role_follows_the_same_rules_as_at_registration(
    accounts: Accounts, register: Register
) -> None:
    register()

    with pytest.raises(InvalidAccountError) as raised:
        accounts.change_role("leader3", role="block_leader", blocks=[], actor="secretary")

    assert raised.value.field == "blocks"
    assert accounts.get_user("leader3").version == 1


def test_giving_a_user_the_role_they_have_records_nothing(
    accounts: Accounts, register: Register
) -> None:
    register()

    accounts.change_role("leader3", role="block_leader", blocks=["B3"], actor="secretary")

    assert accounts.get_user("leader3").credentials_epoch == 0
    assert accounts.get_user("leader3").version == 1


def test_changing_the_password_replaces_the_old_one_and_the_credentials_epoch(
    accounts: Accounts, register: Register
) -> None:
    register()

    accounts.change_password("leader3", password="a new password", actor="leader3")

    assert accounts.get_user("leader3").credentials_epoch == 1
    assert accounts.authenticate("leader3", "a new password").username == "leader3"
    with pytest.raises(InvalidCredentialsError):
        accounts.authenticate("leader3", PASSWORD)


def test_a_new_password_is_8_to_128_characters(accounts: Accounts, register: Register) -> None:
    register()

    with pytest.raises(InvalidAccountError) as raised:
        accounts.change_password("leader3", password="short", actor="leader3")

    assert raised.value.field == "password"


def test_disabling_a_user_stops_them_signing_in_and_changes_the_credentials_epoch(
    accounts: Accounts, register: Register
) -> None:
    register()

    accounts.disable_user("leader3", reason="moved away", actor="secretary")

    user = accounts.get_user("leader3")
    assert user.active is False
    assert user.credentials_epoch == 1
    with pytest.raises(InvalidCredentialsError):
        accounts.authenticate("leader3", PASSWORD)


def test_disabling_a_disabled_user_is_refused(accounts: Accounts, register: Register) -> None:
    register()
    accounts.disable_user("leader3", actor="secretary")

    with pytest.raises(AccountStateError):
        accounts.disable_user("leader3", actor="secretary")


def test_enabling_a_user_lets_them_sign_in_again_at_the_same_epoch(
    accounts: Accounts, register: Register
) -> None:
    register()
    accounts.disable_user("leader3", actor="secretary")

    accounts.enable_user("leader3", actor="secretary")

    user = accounts.get_user("leader3")
    assert (user.active, user.credentials_epoch, user.version) == (True, 1, 3)
    assert accounts.authenticate("leader3", PASSWORD).active is True


def test_enabling_an_active_user_is_refused(accounts: Accounts, register: Register) -> None:
    register()

    with pytest.raises(AccountStateError):
        accounts.enable_user("leader3", actor="secretary")


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("change_role", {"role": "auditor"}),
        ("change_password", {"password": "a new password"}),
        ("disable_user", {}),
        ("enable_user", {}),
    ],
)
def test_a_command_on_an_unknown_user_raises_not_found(
    accounts: Accounts, command: str, arguments: dict[str, str]
) -> None:
    with pytest.raises(UserNotFoundError) as raised:
        getattr(accounts, command)("nobody", actor="secretary", **arguments)

    assert raised.value.message == "no user 'nobody'"


def test_every_change_names_who_made_it(accounts: Accounts, register: Register) -> None:
    user_id = register()
    accounts.disable_user("leader3", actor="secretary")
    accounts.enable_user("leader3", actor="secretary")
    accounts.change_password("leader3", password="a new password", actor="leader3")

    events = list(accounts.events.get(user_id))

    assert [type(e).__name__ for e in events] == [
        "Registered",
        "Disabled",
        "Enabled",
        "PasswordChanged",
    ]
    assert [e.actor for e in events] == ["secretary", "secretary", "secretary", "leader3"]


def test_a_user_with_a_long_history_is_read_from_a_snapshot(
    accounts: Accounts, register: Register
) -> None:
    user_id = register(role="secretary", blocks=[])
    for n in range(60):
        accounts.change_role("leader3", role="secretary" if n % 2 else "auditor", actor="x")

    snapshots = list(accounts.snapshots.get(user_id)) if accounts.snapshots else []
    user: User = accounts.repository.get(user_id)

    assert [s.originator_version for s in snapshots] == [50]
    assert user.version == 61
    assert accounts.get_user("leader3") == record_of(user)


def test_a_change_that_keeps_losing_the_race_is_refused_without_a_trace(
    accounts: Accounts, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    register()

    def lose(*_: object) -> None:
        raise IntegrityError("another writer got there first")

    monkeypatch.setattr(accounts, "save", lose)

    with pytest.raises(AccountStateError) as raised:
        accounts.disable_user("leader3", actor="secretary")

    assert "try again" in raised.value.message
    monkeypatch.undo()
    assert accounts.get_user("leader3").active is True
