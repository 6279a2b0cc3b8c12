"""Checks on a command's input: who gave it and when (the stamp), free text, phone numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kernel.errors import InvalidInputError

# A phone's clock may run a little ahead of the server's; more than this is a mistake.
CLOCK_SKEW = timedelta(minutes=10)
# Phones queue work for hours or days; a record back-dated further than this is a mistake.
OLDEST_BACKDATING = timedelta(days=366)
MAX_TEXT = 4000
_PHONE_CHARS = set("0123456789+-() ")


@dataclass(frozen=True)
class Stamp:
    """Who did it, when it happened (maybe offline, earlier) and when the service recorded it."""

    actor: str
    occurred_at: datetime
    recorded_at: datetime

    def __post_init__(self) -> None:
        if not self.actor:
            raise InvalidInputError("actor", "every command names the user who gives it")
        if self.occurred_at.tzinfo is None:
            raise InvalidInputError("occurred_at", "a time needs its offset, e.g. +08:00")
        if self.occurred_at > self.recorded_at + CLOCK_SKEW:
            raise InvalidInputError("occurred_at", "occurred_at lies in the future")
        if self.occurred_at < self.recorded_at - OLDEST_BACKDATING:
            raise InvalidInputError("occurred_at", "occurred_at is more than a year ago")

    def event_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor, "occurred_at": self.occurred_at, "timestamp": self.recorded_at}


def text(value: str | None, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Free text, trimmed; required text may not be blank."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInputError(field, f"{field} may not be empty")
    if len(cleaned) > limit:
        raise InvalidInputError(field, f"{field} is longer than {limit} characters")
    return cleaned


def phone(value: str | None) -> str:
    """A phone number as given, trimmed; it may be blank."""
    number = text(value, "contact_phone", required=False, limit=30)
    if number and (not set(number) <= _PHONE_CHARS or sum(c.isdigit() for c in number) < 3):
        raise InvalidInputError("contact_phone", f"{number!r} is not a phone number")
    return number
