"""The user directory: plain user records, and the in-memory projection that looks them up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper

from accounts.domain import User

# Notifications read per query to the store while catching up.
BATCH_SIZE = 500


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
    )


class Directory:
    """Every user in the store, kept current by following the application's notification log.

    It only moves forward by notification id, so each event is applied once per process, and it
    sees users registered by other processes on the same store. It holds records, not
    aggregates, so no password hash lingers in it.
    """

    def __init__(self) -> None:
        self._lock = Lock()
        self._last_seen = 0
        self._records: dict[UUID, UserRecord] = {}
        self._ids: dict[str, UUID] = {}

    def records(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[UserRecord]:
        """Catch up with the store, then return every user's record."""
        with self._lock:
            self._catch_up(recorder, mapper)
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
        with self._lock:
            if seen_up_to is None or seen_up_to > self._last_seen:
                self._catch_up(recorder, mapper)
            found = self._ids.get(username)
            return None if found is None else self._records[found]

    def _catch_up(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        while True:
            notifications = recorder.select_notifications(
                start=self._last_seen, limit=BATCH_SIZE, inclusive_of_start=False
            )
            for notification in notifications:
                self._apply(mapper.to_domain_event(notification))
                self._last_seen = notification.id
            if len(notifications) < BATCH_SIZE:
                return

    def _apply(self, event: object) -> None:
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
        return {"credentials_epoch": epoch}
    if isinstance(event, User.Disabled):
        return {"active": False, "credentials_epoch": epoch}
    if isinstance(event, User.Enabled):
        return {"active": True}
    return {}
