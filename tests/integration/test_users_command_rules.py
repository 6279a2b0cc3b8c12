"""`users add` and `users set-password` read a username as signing in does, and refuse the
passwords anyone would try first."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_accounts import PASSWORD, add, app, runner
from web import services

# The accounts tests' app (cheap hashing) and its CLI runner, taken as they are.
__all__ = ["app", "runner"]


def test_users_add_reads_the_username_as_signing_in_does(app: Any, runner: Any) -> None:
    result = add(runner, "  Leader7 ", "--role", "block_leader", "--block", "B7")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "added leader7: block_leader of B7"
    with app.app_context():
        assert services().authenticator.login(" leader7", PASSWORD)[2].username == "leader7"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("auditor", "iloveyou", "one of the 10,000 most common passwords"),
        ("auditor", "Auditor!!", "the username or the community's name"),
        ("auditor", "怒江苑怒江苑怒江苑", "the username or the community's name"),
    ],
)
def test_users_add_refuses_a_password_anyone_would_try_first(
    runner: Any, username: str, password: str, message: str
) -> None:
    result = add(runner, username, "--role", "auditor", password=password)

    assert result.exit_code == 1
    assert message in result.output
    assert runner.invoke(args=["users", "list"]).output.strip() == "0 users"


def test_users_set_password_refuses_a_common_password(app: Any, runner: Any) -> None:
    add(runner, "leader3", "--role", "block_leader", "--block", "B3")

    result = runner.invoke(
        args=["users", "set-password", "leader3", "--password-stdin"], input="12345678\n"
    )

    assert result.exit_code == 1
    assert "one of the 10,000 most common passwords" in result.output
