"""The duties context's values: free text, Shanghai days, and what a household holds — its
members' time in watched groups, its life events and the duties they owe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from uuid import UUID

from duties.exceptions import InvalidDutyInputError
from kernel import checks
from kernel.clock import SHANGHAI

# Free text, trimmed (the kernel's check), refused as the duties' own input error.
text = partial(checks.text, error=InvalidDutyInputError)

EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2100, 1, 1)


def day(value: date, field: str) -> date:
    """A calendar day within the years the service keeps (1900 to 2100)."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise InvalidDutyInputError(field, f"{field} must lie between 1900 and 2100")
    return value


def local_day(moment: datetime) -> date:
    """The Shanghai calendar day a moment falls on."""
    return moment.astimezone(SHANGHAI).date()


def day_end(day: date) -> datetime:
    """Midnight in Shanghai at the end of the day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Membership:
    """A member's time in one watched group, and when they were last asked after."""

    member_id: UUID
    member: str
    group: str
    starts_on: date
    ends_on: date | None = None
    last_contact_at: datetime | None = None

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


@dataclass
class LifeEvent:
    """Something that happened to the household and calls for a visit."""

    id: UUID
    type: str
    note: str
    occurred_at: datetime
    recorded_by: str


@dataclass
class Duty:
    """A visit or an ask that fell due, and how it was discharged."""

    id: UUID
    kind: str
    reason: str
    cause_id: UUID
    fell_due_at: datetime
    due_at: datetime
    discharged_at: datetime | None = None
    discharged_by: str | None = None
    notes: str = ""
    volunteer: dict[str, UUID] | None = None  # the group member asked to do it; not the owner

    @property
    def is_open(self) -> bool:
        return self.discharged_at is None


@dataclass(frozen=True)
class HouseholdAddress:
    """A registered household and where it lives in its block: what a need is logged for."""

    id: UUID
    building: int
    unit: str
    room: str
