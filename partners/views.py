"""The partners' read side: plain partner records and the in-memory directory that lists them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper

from partners.domain import ALL_BLOCKS, Partner
from store import directory


@dataclass(frozen=True)
class PartnerRecord:
    """A partner as the directory shows it: plain values, safe to hand to any caller."""

    partner_id: UUID
    version: int
    community: str
    name: str
    kind: str
    categories: tuple[str, ...]
    blocks: tuple[str, ...]
    weekly_capacity: int
    contact: str
    active: bool
    registered_at: datetime
    updated_at: datetime
    webhook_url: str = ""
    mode: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    people: tuple[dict[str, Any], ...] = field(default=())
    paused_from: str = ""
    paused_until: str = ""
    pause_reason: str = ""
    capacity_week: str = ""
    week_capacity: int = 0

    def paused_on(self, day: date) -> bool:
        """Whether the partner has paused new referrals on this day (its pause ends by itself)."""
        return bool(self.paused_until) and self.paused_from <= day.isoformat() <= self.paused_until

    def capacity_for(self, day: date) -> int:
        """How many referrals the partner takes in the week holding this day."""
        monday = day - timedelta(days=day.weekday())
        return (
            self.week_capacity if self.capacity_week == monday.isoformat() else self.weekly_capacity
        )

    def serves(self, category: str) -> bool:
        """Whether the partner takes needs of this category."""
        return category in self.categories

    def covers(self, block: str) -> bool:
        """Whether the partner works in this block."""
        return ALL_BLOCKS in self.blocks or block in self.blocks


def record_of(partner: Partner) -> PartnerRecord:
    """The plain record of a partner aggregate; times are when the service recorded the events."""
    return PartnerRecord(
        partner_id=partner.id,
        version=partner.version,
        community=partner.community,
        name=partner.name,
        kind=partner.kind.value,
        categories=tuple(partner.categories),
        blocks=tuple(partner.blocks),
        weekly_capacity=partner.weekly_capacity,
        contact=partner.contact,
        active=partner.active,
        registered_at=partner.created_on,
        updated_at=partner.modified_on,
        webhook_url=partner.webhook_url,
        mode=partner.mode,
        phone=partner.phone,
        email=partner.email,
        address=partner.address,
        people=tuple(dict(person) for person in partner.people),
        paused_from=partner.paused_from,
        paused_until=partner.paused_until,
        pause_reason=partner.pause_reason,
        capacity_week=partner.capacity_week,
        week_capacity=partner.week_capacity,
    )


class Directory(directory.Directory):
    """Every partner in the store, kept current by following the application's notification log;
    each record is made from the partner aggregate, replayed."""

    def __init__(self) -> None:
        super().__init__()
        self._partners: dict[UUID, Partner] = {}
        self._records: dict[UUID, PartnerRecord] = {}

    def records(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[PartnerRecord]:
        """Catch up with the store, then return every partner's record."""
        with self.lock:
            self.catch_up(recorder, mapper)
            return list(self._records.values())

    def apply(self, event: object) -> None:
        # Replaying through the aggregate's own apply() keeps one definition of each event's effect.
        if isinstance(event, Partner.Registered):
            partner = cast(Partner, event.mutate(None))
        elif isinstance(event, Partner.Event) and event.originator_id in self._partners:
            partner = cast(Partner, event.mutate(self._partners[event.originator_id]))
        else:
            return
        self._partners[partner.id] = partner
        self._records[partner.id] = record_of(partner)


_STAMP_FIELDS = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "actor",
    "occurred_at",
}


def history_entry(event: Any) -> dict[str, Any]:
    """One of a partner's events as its history shows it (the webhook's secret left out)."""
    data = {
        key: (value.value if hasattr(value, "value") else value)
        for key, value in event.__dict__.items()
        if key not in _STAMP_FIELDS and key != "secret"
    }
    return {
        "version": event.originator_version,
        "type": type(event).__name__,
        "occurred_at": event.occurred_at,
        "recorded_at": event.timestamp,
        "actor": event.actor,
        "data": data,
    }
