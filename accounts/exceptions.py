"""Errors raised by the accounts; the web layer maps each to one HTTP status."""

from __future__ import annotations


class AccountsError(Exception):
    """Base class of every error the accounts raise; `message` is safe to show the caller."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class InvalidAccountError(AccountsError):
    """A command was given a value it cannot accept; `field` names the argument at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class UsernameTakenError(AccountsError):
    """Another user already has this username (usernames are unique per deployment)."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"username {username!r} is taken")


class UserNotFoundError(AccountsError):
    """No user has this username."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"no user {username!r}")


class InvalidCredentialsError(AccountsError):
    """The username or password is wrong, or the user is disabled; the message never says which."""

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class AccountStateError(AccountsError):
    """The user's current state forbids the change (e.g. disabling a disabled user)."""
