from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import pytest

from accounts.application import Accounts
from accounts.domain import Role
from accounts.exceptions import InvalidAccountError, UsernameTakenError
from kernel.clock import ManualClock

from .conftest import COMMUNITY, HOSPITAL_ID

Leader = Callable[..., dict[str, Any]]
Register = Callable[..., UUID]


def test_a_registered_user_can_be_read_back(
    accounts: Accounts, register: Register, clock: ManualClock
) -> None:
    user_id = register()

    user = accounts.get_user("leader3")

    assert user.user_id == user_id
    assert user.username == "leader3"
    assert user.community == COMMUNITY
    assert user.role == "block_leader"
    assert user.blocks == ("B3",)
    assert user.partner_id is None
    assert user.active is True
    assert user.credentials_epoch == 0
    assert user.version == 1
    assert user.registered_at == user.updated_at == clock.now()


def test_a_users_id_is_derived_from_the_username(register: Register) -> None:
    assert register() == uuid5(NAMESPACE_URL, "urn:needs:user:leader3")


def test_the_roles_are_secretary_block_leader_partner_auditor_project_member_volunteer() -> None:
    assert [role.value for role in Role] == [
        "secretary",
        "block_leader",
        "partner",
        "auditor",
        "project_member",
        "volunteer",
    ]


def test_registering_a_taken_username_fails_even_for_another_community(
    register: Register,
) -> None:
    register()

    with pytest.raises(UsernameTakenError) as raised:
        register(community="another", role="secretary", blocks=[])

    assert raised.value.message == "username 'leader3' is taken"


def test_a_username_registered_by_another_process_is_refused_by_the_store(
    sqlite_accounts: Callable[[], Accounts], leader: Leader
) -> None:
    first, second = sqlite_accounts(), sqlite_accounts()
    first.register_user(**leader())

    with pytest.raises(UsernameTakenError):
        second.register_user(**leader(role="auditor", blocks=[]))

    assert second.get_user("leader3").role == "block_leader"


@pytest.mark.parametrize(
    "username",
    ["a", "x" * 41, "leader 3", "块长", "leader3!", "", "  ", "ä1"],
)
def test_a_username_is_2_to_40_lower_case_letters_digits_dots_dashes_or_underscores(
    register: Register, username: str
) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(username=username)

    assert raised.value.field == "username"


@pytest.mark.parametrize("username", ["ab", "x" * 40, "li.wei_2-b"])
def test_usernames_at_the_limits_are_accepted(
    accounts: Accounts, register: Register, username: str
) -> None:
    register(username=username)

    assert accounts.get_user(username).username == username


def test_a_username_is_trimmed_and_found_whatever_its_case(
    accounts: Accounts, register: Register
) -> None:
    register(username="  leader3 ")

    assert accounts.get_user(" Leader3").username == "leader3"


@pytest.mark.parametrize("password", ["", "seven77", "x" * 129])
def test_a_password_is_8_to_128_characters(register: Register, password: str) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(password=password)

    assert raised.value.field == "password"


@pytest.mark.parametrize("password", ["eight888", "x" * 128, "长征镇怒江苑七块长"])
def test_passwords_at_the_limits_are_accepted(
    accounts: Accounts, register: Register, password: str
) -> None:
    register(password=password)

    assert accounts.authenticate("leader3", password).username == "leader3"


def test_an_unknown_role_is_refused(register: Register) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(role="mayor")

    assert raised.value.field == "role"
    assert "secretary" in raised.value.message


def test_a_block_leader_needs_at_least_one_block(register: Register) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(blocks=[])

    assert raised.value.field == "blocks"


def test_a_block_leader_has_no_partner(register: Register) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(partner_id=HOSPITAL_ID)

    assert raised.value.field == "partner_id"


def test_a_block_leader_may_lead_several_blocks_each_kept_once(
    accounts: Accounts, register: Register
) -> None:
    register(blocks=["B3", " B4", "B3"])

    assert accounts.get_user("leader3").blocks == ("B3", "B4")


@pytest.mark.parametrize("blocks", ["B3", ["B3", " "], None])
def test_blocks_must_be_a_list_of_non_empty_codes(register: Register, blocks: Any) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(blocks=blocks)

    assert raised.value.field == "blocks"


def test_a_partner_user_has_a_partner_and_no_blocks(accounts: Accounts, register: Register) -> None:
    register(username="hospital", role="partner", blocks=[], partner_id=HOSPITAL_ID)

    user = accounts.get_user("hospital")
    assert (user.role, user.blocks, user.partner_id) == ("partner", (), HOSPITAL_ID)


def test_a_partner_user_needs_a_partner(register: Register) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(username="hospital", role="partner", blocks=[])

    assert raised.value.field == "partner_id"


def test_a_partner_user_has_no_blocks(register: Register) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(username="hospital", role="partner", partner_id=HOSPITAL_ID)

    assert raised.value.field == "blocks"


def test_a_partner_id_may_be_given_as_text_but_must_be_a_uuid(
    accounts: Accounts, register: Register
) -> None:
    register(username="hospital", role="partner", blocks=[], partner_id=str(HOSPITAL_ID))
    assert accounts.get_user("hospital").partner_id == HOSPITAL_ID

    with pytest.raises(InvalidAccountError) as raised:
        register(username="police", role="partner", blocks=[], partner_id="police-station")
    assert raised.value.field == "partner_id"


@pytest.mark.parametrize("role", ["secretary", "auditor"])
def test_a_secretary_or_an_auditor_has_neither_blocks_nor_partner(
    accounts: Accounts, register: Register, role: str
) -> None:
    with pytest.raises(InvalidAccountError) as blocks:
        register(username=role, role=role)
    with pytest.raises(InvalidAccountError) as partner:
        register(username=role, role=role, blocks=[], partner_id=HOSPITAL_ID)
    register(username=role, role=role, blocks=[])

    assert (blocks.value.field, partner.value.field) == ("blocks", "partner_id")
    assert accounts.get_user(role).role == role


@pytest.mark.parametrize("field", ["community", "actor"])
def test_a_user_names_its_community_and_who_registered_it(register: Register, field: str) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(**{field: " "})

    assert raised.value.field == field


def test_a_refused_registration_records_nothing(accounts: Accounts, register: Register) -> None:
    with pytest.raises(InvalidAccountError):
        register(blocks=[])

    assert accounts.find_user("leader3") is None
    assert accounts.list_users() == []


def test_a_volunteer_has_the_one_block_of_their_group(register: Register) -> None:
    with pytest.raises(InvalidAccountError) as raised:
        register(username="vol3", role="volunteer", blocks=[])
    assert raised.value.field == "blocks"
    with pytest.raises(InvalidAccountError):
        register(username="vol3", role="volunteer", blocks=["B3", "B5"])
    register(username="vol3", role="volunteer", blocks=["B3"])
