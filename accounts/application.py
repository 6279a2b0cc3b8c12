"""The Accounts application: register users, change their role or password, let them sign in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from accounts.domain import Role, User, login_name, user_id
from accounts.exceptions import (
    AccountStateError,
    InvalidCredentialsError,
    UsernameTakenError,
    UserNotFoundError,
)
from accounts.passwords import PasswordHasher, check_password
from accounts.views import Directory, UserRecord, record_of
from kernel.retrying import retry_on_clash
from store.transcodings import EnumAsValue

# A concurrent writer can win the race between our read and our save; re-running the
# command on fresh state is safe because every command validates against current state.
SAVE_ATTEMPTS = 3


class Accounts(Application[UUID]):
    """The service's users: who they are, their role and scope, and how they sign in."""

    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {User: 50}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], datetime],
        hasher: PasswordHasher | None = None,
        community_names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(env)
        self._clock = clock
        self._hasher = hasher or PasswordHasher()
        self._directory = Directory()
        # A password may not be little more than the community's name (by community id).
        self._community_names = dict(community_names or {})

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Add the account types to the library's default transcodings."""
        super().register_transcodings(transcoder)
        transcoder.register(EnumAsValue(Role, name="user_role"))  # the name stored events carry

    def register_user(
        self,
        *,
        community: str,
        username: str,
        password: str,
        role: str,
        blocks: Sequence[str] = (),
        partner_id: UUID | None = None,
        actor: str,
    ) -> UUID:
        """Register a user and return its id; UsernameTakenError if the name is anyone's."""
        now = self._clock()
        self._check_password(password, username, community)
        user = User.register(
            community=community,
            username=username,
            role=role,
            blocks=blocks,
            partner_id=partner_id,
            password_hash=self._hasher.hash_password(password),
            actor=actor,
            occurred_at=now,
            recorded_at=now,
        )
        # The id comes from the username, so the store itself refuses a second registration,
        # even one made at the same moment by another process.
        try:
            self.save(user)
        except IntegrityError:
            raise UsernameTakenError(user.username) from None
        return user.id

    def change_role(
        self,
        username: str,
        *,
        role: str,
        blocks: Sequence[str] = (),
        partner_id: UUID | None = None,
        actor: str,
    ) -> None:
        """Give a user another role or scope; their tokens stop working."""
        self._change(
            username, User.change_role, role=role, blocks=blocks, partner_id=partner_id, actor=actor
        )

    def change_password(self, username: str, *, password: str, actor: str) -> None:
        """Set a user's password; their tokens stop working."""
        user = self._load(username)
        self._check_password(password, user.username, user.community)
        password_hash = self._hasher.hash_password(password)
        self._change(username, User.change_password, password_hash=password_hash, actor=actor)

    def disable_user(self, username: str, *, reason: str = "", actor: str) -> None:
        """Stop a user signing in; their tokens stop working."""
        self._change(username, User.disable, reason=reason, actor=actor)

    def enable_user(self, username: str, *, actor: str) -> None:
        """Let a disabled user sign in again."""
        self._change(username, User.enable, actor=actor)

    def authenticate(self, username: str, password: str) -> UserRecord:
        """The user whose password this is; InvalidCredentialsError, saying nothing more, if not."""
        try:
            user = self._load(username)
        except UserNotFoundError:
            # As slow as a real check, so the answer's timing does not tell who exists.
            self._hasher.verify_nothing(password)
            raise InvalidCredentialsError from None
        if not self._hasher.verify_password(user.password_hash, password) or not user.active:
            raise InvalidCredentialsError
        return record_of(user)

    def get_user(self, username: str) -> UserRecord:
        """One user's current record, or UserNotFoundError."""
        record = self.find_user(username)
        if record is None:
            raise UserNotFoundError(username)
        return record

    def find_user(self, username: str, *, seen_up_to: int | None = None) -> UserRecord | None:
        """One user's current record, if there is such a user; `seen_up_to`, a notification
        id the caller knows to be the log's last, spares a read when nothing changed since."""
        return self._directory.find(
            self.recorder, self.mapper, _lookup_name(username), seen_up_to=seen_up_to
        )

    def list_users(self, community: str | None = None) -> list[UserRecord]:
        """Every user, or one community's, by username."""
        records = self._directory.records(self.recorder, self.mapper)
        chosen = [r for r in records if community is None or r.community == community]
        return sorted(chosen, key=lambda record: record.username)

    def _check_password(self, password: str, username: str, community: str) -> None:
        personal = (login_name(username), self._community_names.get(community))
        check_password(password, personal=personal)

    def _load(self, username: str) -> User:
        name = _lookup_name(username)
        try:
            user: User = self.repository.get(user_id(name))
        except AggregateNotFoundError:
            raise UserNotFoundError(name) from None
        return user

    def _change(self, username: str, command: Callable[..., None], **arguments: Any) -> None:
        def run(user: User) -> None:
            now = self._clock()
            command(user, occurred_at=now, recorded_at=now, **arguments)

        retry_on_clash(
            lambda: self._load(username),
            run,
            self.save,
            commutes=True,
            attempts=SAVE_ATTEMPTS,
            patience=0,  # a change to an account that keeps losing races says so at once
            clash=lambda: AccountStateError(
                f"user {_lookup_name(username)!r} is being changed by someone else; try again"
            ),
        )


def _lookup_name(username: str) -> str:
    # Usernames are stored as login_name reads them; phones capitalise the first letter.
    return login_name(username)
