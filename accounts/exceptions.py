"""Errors raised by the accounts: each is an AccountsError and, but for wrong credentials, one
of the kernel's kinds of error (web/errors.py maps the kinds to HTTP); `message` is safe to
show the caller."""

from __future__ import annotations

from kernel.errors import ConflictError, DomainError, InvalidInputError, NotFoundError


class AccountsError(DomainError):
    """Base class of every error the accounts raise."""


class InvalidAccountError(AccountsError, InvalidInputError):
    """A command was given a value it cannot accept; `field` names the argument at fault."""


class WeakPasswordError(InvalidAccountError):
    """A password the service refuses; `reason` says why, for the pages to say it again:
    "length", "common" (one of the most common passwords) or "personal" (little more than the
    username or the community's name)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__("password", message)
        self.reason = reason


class UsernameTakenError(AccountsError, ConflictError):
    """Another user already has this username (usernames are unique per deployment)."""

    def __init__(self, username: str) -> None:
        super().__init__(f"username {username!r} is taken")
        self.username = username


class UserNotFoundError(AccountsError, NotFoundError):
    """No user has this username."""

    def __init__(self, username: str) -> None:
        super().__init__(f"no user {username!r}")
        self.username = username


class InvalidCredentialsError(AccountsError):
    """The username or password is wrong, or the user is disabled; the message never says which."""

    def __init__(self) -> None:
        super().__init__("wrong username or password")


class AccountStateError(AccountsError, ConflictError):
    """The user's current state forbids the change (e.g. disabling a disabled user)."""
