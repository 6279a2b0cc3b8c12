"""The accounts' read side: plain user records, and the in-memory directory that looks them up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper

from accounts.domain import User
from store import directory


@dataclass(frozen=True)
class UserRecord:
    """A user as the service shows it: plain values and never the password hash."""

    user_id: UUID
    username: str
    community: str
    role: str
    blocks: tuple[str, ...]
    partner_id: UUID | None
    active: bool
    credentials_epoch: int
    registered_at: datetime
    updated_at: datetime
    version: int
    # Who gave the user their current password: "seed-demo" marks a demo account's seeded one.
    password_set_by: str = ""


def record_of(user: User) -> UserRecord:
    """The plain record of a user aggregate; times are when the service recorded the events."""
    return UserRecord(
        user_id=user.id,
        username=user.username,
        community=user.community,
        role=user.role.value,
        blocks=tuple(user.blocks),
        partner_id=user.partner_id,
        active=user.active,
        credentials_epoch=user.credentials_epoch,
        registered_at=user.created_on,
        updated_at=user.modified_on,
        version=user.version,
        password_set_by=getattr(user, "password_set_by", ""),  # absent from older snapshots
    )


class Directory(directory.Directory):
    """Every user in the store, kept current by following the application's notification log.
    It holds records, not aggregates, so no password hash lingers in it."""

    def __init__(self) -> None:
        super().__init__()
        self._records: dict[UUID, UserRecord] = {}
        self._ids: dict[str, UUID] = {}

    def records(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[UserRecord]:
        """Catch up with the store, then return every user's record."""
        with self.lock:
            self.catch_up(recorder, mapper)
            return list(self._records.values())

    def find(
        self,
        recorder: ApplicationRecorder,
        mapper: Mapper[UUID],
        username: str,
        *,
        seen_up_to: int | None = None,
    ) -> UserRecord | None:
        """Catch up with the store (unless already past `seen_up_to`), then return the user
        with this username, if any."""
        with self.lock:
            self.catch_up(recorder, mapper, seen_up_to=seen_up_to)
            found = self._ids.get(username)
            return None if found is None else self._records[found]

    def apply(self, event: object) -> None:
        if isinstance(event, User.Registered):
            record = UserRecord(
                user_id=event.originator_id,
                username=event.username,
                community=event.community,
                role=event.role.value,
                blocks=tuple(event.blocks),
                partner_id=event.partner_id,
                active=True,
                credentials_epoch=0,
                registered_at=event.timestamp,
                updated_at=event.timestamp,
                version=event.originator_version,
                password_set_by=event.actor,
            )
            self._ids[record.username] = record.user_id
        elif isinstance(event, User.Event) and event.originator_id in self._records:
            record = replace(
                self._records[event.originator_id],
                updated_at=event.timestamp,
                version=event.originator_version,
            )
            record = replace(record, **_changes(event, record))
        else:
            return
        self._records[record.user_id] = record


def _changes(event: User.Event, record: UserRecord) -> dict[str, Any]:
    # Mirrors each event's apply() on the aggregate, minus the password hash.
    epoch = record.credentials_epoch + 1
    if isinstance(event, User.RoleChanged):
        return {
            "role": event.role.value,
            "blocks": tuple(event.blocks),
            "partner_id": event.partner_id,
            "credentials_epoch": epoch,
        }
    if isinstance(event, User.PasswordChanged):
        return {"credentials_epoch": epoch, "password_set_by": event.actor}
    if isinstance(event, User.Disabled):
        return {"active": False, "credentials_epoch": epoch}
    if isinstance(event, User.Enabled):
        return {"active": True}
    return {}
