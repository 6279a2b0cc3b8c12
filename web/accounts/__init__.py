"""The service's users, their roles, their passwords and their bearer tokens."""

from web.accounts.application import Accounts
from web.accounts.directory import UserRecord
from web.accounts.domain import Role, User
from web.accounts.exceptions import (
    AccountsError,
    AccountStateError,
    InvalidAccountError,
    InvalidCredentialsError,
    UsernameTakenError,
    UserNotFoundError,
)
from web.accounts.passwords import PasswordHasher
from web.accounts.tokens import Authenticator, TokenStore

__all__ = [
    "AccountStateError",
    "Accounts",
    "AccountsError",
    "Authenticator",
    "InvalidAccountError",
    "InvalidCredentialsError",
    "PasswordHasher",
    "Role",
    "TokenStore",
    "User",
    "UserNotFoundError",
    "UserRecord",
    "UsernameTakenError",
]
