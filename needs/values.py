"""The case's vocabulary: codes as enums and the records a case holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypeVar
from uuid import UUID

from kernel.errors import InvalidInputError


class Urgency(Enum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Higher is more urgent; lists sort on it."""
        return _URGENCY_RANK[self]


_URGENCY_RANK = {Urgency.LOW: 0, Urgency.NORMAL: 1, Urgency.HIGH: 2, Urgency.CRITICAL: 3}


class NeedStatus(Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class ReferralStatus(Enum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"

    @property
    def is_open(self) -> bool:
        """Still waiting on the partner: sent, or accepted and not yet reported."""
        return self in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class DeclineReason(Enum):
    NO_CAPACITY = "no_capacity"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_ELIGIBLE = "not_eligible"
    OTHER = "other"


class ReferralOutcome(Enum):
    HELPED = "helped"
    NOT_HELPED = "not_helped"
    UNREACHABLE = "unreachable"


class Resolution(Enum):
    HELPED = "helped"
    PARTLY_HELPED = "partly_helped"
    NOT_HELPED = "not_helped"
    NO_LONGER_NEEDED = "no_longer_needed"
    UNREACHABLE = "unreachable"


class FollowUpVerdict(Enum):
    """What the resident said when the committee came back after the need was resolved."""

    SATISFIED = "satisfied"
    PARTLY = "partly"
    NOT_SATISFIED = "not_satisfied"
    UNREACHABLE = "unreachable"


E = TypeVar("E", bound=Enum)


def parse_code(enum: type[E], value: object, field: str) -> E:
    """The enum member for a code, or an InvalidInputError listing the codes allowed."""
    if isinstance(value, enum):
        return value
    for member in enum:
        if member.value == value:
            return member
    allowed = "|".join(str(m.value) for m in enum)
    raise InvalidInputError(field, f"{value!r} is not one of {allowed}")


ENUMS: tuple[type[Enum], ...] = (
    Urgency,
    NeedStatus,
    ReferralStatus,
    DeclineReason,
    ReferralOutcome,
    Resolution,
    FollowUpVerdict,
)


@dataclass
class Household:
    """Where the resident lives: building, unit and room within the need's block."""

    id: UUID
    building: int
    unit: str
    room: str


@dataclass
class Referral:
    """One closed-loop hand-over of the case to a partner; versioned by its own events."""

    id: UUID
    partner_id: UUID
    partner_name: str
    status: ReferralStatus
    note: str
    sent_at: datetime
    respond_by: datetime
    sent_by: str
    override_reason: str
    version: int = 1
    responded_at: datetime | None = None
    decline_reason: DeclineReason | None = None
    outcome: ReferralOutcome | None = None
    partner_note: str = ""
    closed_at: datetime | None = None
    delivery_failed: bool = False


@dataclass
class Visit:
    """A visit to the household, as the visitor recorded it."""

    occurred_at: datetime
    visitor: str
    notes: str


@dataclass
class Note:
    """A note on the case."""

    text: str
    author: str
    occurred_at: datetime


@dataclass(frozen=True)
class PartnerTerms:
    """What the case needs to know of a partner to decide whether it may be referred to."""

    partner_id: UUID
    name: str
    active: bool
    categories: frozenset[str]
    blocks: frozenset[str]

    def serves(self, category: str) -> bool:
        return category in self.categories

    def covers(self, block: str) -> bool:
        return "*" in self.blocks or block in self.blocks


@dataclass
class FollowUp:
    """The follow-up visit (回访) after the need was resolved: the resident's verdict."""

    verdict: FollowUpVerdict
    note: str
    by: str
    occurred_at: datetime


RECORDS: tuple[type, ...] = (Household, Referral, Visit, Note, FollowUp)
