"""The User aggregate: someone who signs in, with a role that says what they may see and do."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from accounts.exceptions import AccountStateError, InvalidAccountError
from kernel.checks import ArgumentChecks

USERNAME_PATTERN = re.compile(r"[a-z0-9_.-]{2,40}")
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 500
_check = ArgumentChecks(InvalidAccountError, MAX_NAME_LENGTH, MAX_TEXT_LENGTH)


class Role(Enum):
    """What a user may see and do (API.md, "Auth")."""

    SECRETARY = "secretary"
    BLOCK_LEADER = "block_leader"
    PARTNER = "partner"
    AUDITOR = "auditor"
    PROJECT_MEMBER = "project_member"  # a resident on a project's team (projects they serve on)
    VOLUNTEER = "volunteer"  # a member of a block's volunteer group (what is assigned to them)


def user_id(username: str) -> UUID:
    """The id a username's user has; deriving it makes the store refuse a second claim."""
    return uuid5(NAMESPACE_URL, "urn:needs:user:" + username)


class User(Aggregate):
    """A user of the service: username, community, role and scope, password hash, and state."""

    if TYPE_CHECKING:
        # Declared for the type checker only (class-level annotations would make a dataclass).
        community: str
        username: str
        role: Role
        blocks: list[str]
        partner_id: UUID | None
        password_hash: str
        password_set_by: str
        active: bool
        disabled_reason: str
        credentials_epoch: int

    class Event(Aggregate.Event):
        """Base of the user's events: who did it and when it happened on their side."""

        actor: str
        occurred_at: datetime

    class Registered(Event, Aggregate.Created):
        """The user was added to the community."""

        community: str
        username: str
        role: Role
        blocks: list[str]
        partner_id: UUID | None
        password_hash: str

        def apply(self, user: User) -> None:
            user.community = self.community
            user.username = self.username
            user.role = self.role
            user.blocks = list(self.blocks)
            user.partner_id = self.partner_id
            user.password_hash = self.password_hash
            user.password_set_by = self.actor
            user.active = True
            user.disabled_reason = ""
            user.credentials_epoch = 0

    class RoleChanged(Event):
        """The user's role or scope changed; tokens issued before it no longer count."""

        role: Role
        blocks: list[str]
        partner_id: UUID | None

        def apply(self, user: User) -> None:
            user.role = self.role
            user.blocks = list(self.blocks)
            user.partner_id = self.partner_id
            user.credentials_epoch += 1

    class PasswordChanged(Event):
        """The user has a new password; tokens issued before it no longer count."""

        password_hash: str

        def apply(self, user: User) -> None:
            user.password_hash = self.password_hash
            user.password_set_by = self.actor
            user.credentials_epoch += 1

    class Disabled(Event):
        """The user may no longer sign in; tokens issued before it no longer count."""

        reason: str

        def apply(self, user: User) -> None:
            user.active = False
            user.disabled_reason = self.reason
            user.credentials_epoch += 1

    class Enabled(Event):
        """The user may sign in again (with a new token)."""

        def apply(self, user: User) -> None:
            user.active = True
            user.disabled_reason = ""

    @classmethod
    def register(
        cls,
        *,
        community: str,
        username: str,
        role: Role | str,
        blocks: Sequence[str],
        partner_id: UUID | str | None,
        password_hash: str,
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> User:
        """Register a user in a community."""
        name = valid_username(username)
        access = _access(role, blocks, partner_id)
        return cls._create(
            cls.Registered,
            id=user_id(name),
            timestamp=recorded_at,
            community=_check.required_text("community", community, MAX_NAME_LENGTH),
            username=name,
            password_hash=_hash(password_hash),
            **access,
            **_check.stamp(actor, occurred_at),
        )

    def change_role(
        self,
        *,
        role: Role | str,
        blocks: Sequence[str],
        partner_id: UUID | str | None,
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Give the user another role or scope."""
        access, stamp = _access(role, blocks, partner_id), _check.stamp(actor, occurred_at)
        if access == {"role": self.role, "blocks": self.blocks, "partner_id": self.partner_id}:
            return
        self.trigger_event(self.RoleChanged, timestamp=recorded_at, **access, **stamp)

    def change_password(
        self, *, password_hash: str, actor: str, occurred_at: datetime, recorded_at: datetime
    ) -> None:
        """Replace the user's password (given already hashed)."""
        new_hash, stamp = _hash(password_hash), _check.stamp(actor, occurred_at)
        self.trigger_event(
            self.PasswordChanged, timestamp=recorded_at, password_hash=new_hash, **stamp
        )

    def disable(
        self, *, reason: str = "", actor: str, occurred_at: datetime, recorded_at: datetime
    ) -> None:
        """Stop the user signing in."""
        text, stamp = _check.optional_text("reason", reason), _check.stamp(actor, occurred_at)
        if not self.active:
            raise AccountStateError(f"user {self.username!r} is already disabled")
        self.trigger_event(self.Disabled, timestamp=recorded_at, reason=text, **stamp)

    def enable(self, *, actor: str, occurred_at: datetime, recorded_at: datetime) -> None:
        """Let a disabled user sign in again."""
        stamp = _check.stamp(actor, occurred_at)
        if self.active:
            raise AccountStateError(f"user {self.username!r} is active, not disabled")
        self.trigger_event(self.Enabled, timestamp=recorded_at, **stamp)


def login_name(value: object) -> str:
    """A username as typed, read the one way the service reads it everywhere — registering,
    signing in (API and pages) and counting failed sign-ins: full-width letters and digits as
    their ASCII selves (NFKC, as a Chinese input method may type them), whitespace around it
    dropped, lower case. What is inside the name stays, so "leader 3" is no one's name."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip().lower()


def valid_username(value: str) -> str:
    """The username read as `login_name` reads it, or InvalidAccountError if it breaks the rule."""
    if not isinstance(value, str):
        raise InvalidAccountError("username", "username must be text")
    name = login_name(value)
    if not USERNAME_PATTERN.fullmatch(name):
        raise InvalidAccountError(
            "username",
            "a username is 2 to 40 characters of lower-case letters a-z, digits, '_', '.' and '-'",
        )
    return name


def _access(
    role: Role | str, blocks: Sequence[str], partner_id: UUID | str | None
) -> dict[str, Any]:
    checked_role = _check.choice("role", role, Role)
    codes = _check.codes("blocks", blocks, noun="block codes")
    partner = _partner_id(partner_id)
    if checked_role is Role.BLOCK_LEADER and not codes:
        raise InvalidAccountError("blocks", "a block leader needs at least one block")
    if checked_role is Role.VOLUNTEER and len(codes) != 1:
        raise InvalidAccountError("blocks", "a volunteer has the one block of their group")
    if checked_role not in (Role.BLOCK_LEADER, Role.VOLUNTEER) and codes:
        raise InvalidAccountError("blocks", "only a block leader or a volunteer has blocks")
    if checked_role is Role.PARTNER and partner is None:
        raise InvalidAccountError("partner_id", "a partner user needs a partner_id")
    if checked_role is not Role.PARTNER and partner is not None:
        raise InvalidAccountError("partner_id", "only a partner user has a partner_id")
    return {"role": checked_role, "blocks": codes, "partner_id": partner}


def _partner_id(value: UUID | str | None) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidAccountError("partner_id", "partner_id must be a UUID") from None


def _hash(value: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidAccountError("password", "a password hash is required")
    return value


# Users' events were stored under `web.accounts.domain:User.<Event>` before the accounts left
# web/; those topics resolve here.
register_topic("web.accounts.domain", sys.modules[__name__])
