"""The duties' personal data sealed with the same household keys as the cases (store.sealing):
every event of a Household under its own id, a Record under the household it names. A record
about a whole block names no household, so its text has CIPHER_KEY's encryption only and no
erasable key: block records must not name or describe residents."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application

from duties.domain import Household
from duties.record import Record
from duties.volunteers import VolunteerGroup
from store.sealing import SealingMapper

_RECORD_MADE = f"{Record.RecordMade.__module__}:{Record.RecordMade.__qualname__}"
_BATCH = 1000


def household_named(event: Any) -> UUID | None:
    """The household an event of the duties belongs to, if it belongs to one."""
    if isinstance(event, Household.Event | VolunteerGroup.Event):  # a group seals with its own key
        return UUID(str(event.originator_id))
    named = event.__dict__.get("household_id")
    return UUID(str(named)) if named is not None else None


def records_of(app: Application[UUID], household_id: UUID) -> list[UUID]:
    """Every record made about the household, read from the log itself."""
    found, start = [], 0
    while True:
        batch = app.recorder.select_notifications(
            start=start, limit=_BATCH, topics=[_RECORD_MADE], inclusive_of_start=False
        )
        for notification in batch:
            if cast(SealingMapper, app.mapper).household_in(notification) == household_id:
                found.append(UUID(str(notification.originator_id)))
            start = notification.id
        if len(batch) < _BATCH:
            return found
