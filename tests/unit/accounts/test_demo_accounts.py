"""Which demo accounts production must refuse: any whose password is still the one the demo
seed gave it — whatever DEMO_PASSWORD was then — or that still signs in with the documented
demo password."""

from __future__ import annotations

from accounts.application import Accounts
from accounts.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACTOR, users_with_demo_password

from .conftest import COMMUNITY


def _seed(accounts: Accounts, username: str, password: str, actor: str = DEMO_ACTOR) -> None:
    accounts.register_user(
        community=COMMUNITY, username=username, password=password, role="auditor", actor=actor
    )


def test_an_account_seeded_with_another_demo_password_is_refused(accounts: Accounts) -> None:
    _seed(accounts, "secretary", "a seed password nobody documented")

    assert users_with_demo_password(accounts) == ["secretary"]


def test_an_account_set_up_by_hand_with_the_documented_password_is_refused(
    accounts: Accounts,
) -> None:
    _seed(accounts, "leader1", DEFAULT_DEMO_PASSWORD, actor="cli")

    assert users_with_demo_password(accounts) == ["leader1"]


def test_a_demo_account_whose_password_was_changed_is_not(accounts: Accounts) -> None:
    _seed(accounts, "secretary", "a seed password nobody documented")
    _seed(accounts, "auditor", DEFAULT_DEMO_PASSWORD)
    accounts.change_password("secretary", password="chosen by the secretary", actor="cli")
    accounts.disable_user("auditor", actor="cli")

    assert users_with_demo_password(accounts) == []


def test_a_new_password_given_by_the_seed_itself_still_counts_as_the_demo_one(
    accounts: Accounts,
) -> None:
    _seed(accounts, "secretary", "a seed password nobody documented")
    accounts.change_password("secretary", password="the seed again, later", actor=DEMO_ACTOR)

    assert users_with_demo_password(accounts) == ["secretary"]
