"""One way to read a username, wherever it is typed: the sign-in's rate limit, the look-up and
the registration all read "  Leader3", "leader3" with an ideographic space and full-width
"ｌｅａｄｅｒ３" as leader3."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest

from accounts.application import Accounts
from accounts.domain import login_name

from .conftest import PASSWORD

Register = Callable[..., UUID]


@pytest.mark.parametrize(
    "typed",
    [
        "leader3",
        " leader3",
        " " * 40 + "leader3",
        "leader3\t\n",
        "Leader3",
        "\u3000leader3",
        "ｌｅａｄｅｒ３",
        "LEADER3 ",
    ],
)
def test_spaces_around_case_and_full_width_letters_are_read_away(typed: str) -> None:
    assert login_name(typed) == "leader3"


@pytest.mark.parametrize("typed", ["leader 3", "lead\u200ber3", "leader3x"])
def test_what_is_inside_the_name_stays(typed: str) -> None:
    assert login_name(typed) != "leader3"


def test_text_that_is_not_a_string_reads_as_no_name() -> None:
    assert login_name(None) == ""  # type: ignore[arg-type]
    assert login_name(3) == ""  # type: ignore[arg-type]


def test_a_name_registered_with_spaces_and_capitals_is_the_name_signed_in_with(
    accounts: Accounts, register: Register
) -> None:
    register(username="  Leader3 ")

    assert accounts.get_user("leader3").username == "leader3"
    assert accounts.authenticate("ｌｅａｄｅｒ３", PASSWORD).username == "leader3"
