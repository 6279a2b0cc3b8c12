"""Checks on a command's input: who gave it and when (the stamp), free text, phone numbers,
codes and choices. A context passes its own InvalidInputError to have its errors raised."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from kernel.errors import InvalidInputError

# A phone's clock may run a little ahead of the server's; more than this is a mistake.
CLOCK_SKEW = timedelta(minutes=10)
# Phones queue work for hours or days; a record back-dated further than this is a mistake.
OLDEST_BACKDATING = timedelta(days=366)
MAX_TEXT = 4000
_PHONE_CHARS = set("0123456789+-() ")
# What no text may hold: the C0 control characters but tab, line feed and carriage return
# (browsers send a textarea's line breaks as CR LF), DEL and the C1 controls — invisible, and
# some (NUL) refused by PostgreSQL or turning a page or a log line into something else — and
# lone surrogates, half of a UTF-16 pair: not text at all, and not writable as UTF-8.
CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_UNPRINTABLE = re.compile(rf"[{CONTROLS}\ud800-\udfff]")
# The rule as a pattern a whole text must match, for the API's OpenAPI document: its controls
# only, since no JSON Schema regex engine can name a lone surrogate (the document says so).
TEXT_PATTERN = f"^[^{CONTROLS}]*$"


def unprintable(value: str) -> str | None:
    """The first character in `value` that no text may hold, or None."""
    found = _UNPRINTABLE.search(value)
    return found.group() if found else None


def without_unprintable(value: str) -> str:
    """`value` less the characters no text may hold (to show a refused text again safely)."""
    return _UNPRINTABLE.sub("", value)


def unprintable_message(field: str, character: str) -> str:
    """Why `field` was refused, naming the character by its code point (never the raw one)."""
    return (
        f"{field} holds U+{ord(character):04X}, a control character or a lone surrogate: "
        "text may hold tabs and line breaks, but no other control characters"
    )


@dataclass(frozen=True)
class Stamp:
    """Who did it, when it happened (maybe offline, earlier) and when the service recorded it;
    and the command it came from, when its sender named it (an Idempotency-Key)."""

    actor: str
    occurred_at: datetime
    recorded_at: datetime
    command: UUID | None = None

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
        return {
            "actor": self.actor,
            "occurred_at": self.occurred_at,
            "timestamp": self.recorded_at,
            "command_id": self.command,
        }


def text(
    value: str | None,
    field: str,
    *,
    required: bool = True,
    limit: int = MAX_TEXT,
    error: type[InvalidInputError] = InvalidInputError,
) -> str:
    """Free text, trimmed; required text may not be blank nor hold a control character."""
    _printable(value or "", field, error)
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise error(field, f"{field} may not be empty")
    if len(cleaned) > limit:
        raise error(field, f"{field} is longer than {limit} characters")
    return cleaned


def _printable(value: str, field: str, error: type[InvalidInputError]) -> None:
    character = unprintable(value)
    if character is not None:
        raise error(field, unprintable_message(field, character))


def phone(value: str | None) -> str:
    """A phone number as given, trimmed; it may be blank."""
    number = text(value, "contact_phone", required=False, limit=30)
    if number and (not set(number) <= _PHONE_CHARS or sum(c.isdigit() for c in number) < 3):
        raise InvalidInputError("contact_phone", f"{number!r} is not a phone number")
    return number


E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class ArgumentChecks:
    """Strict checks of a command's arguments, as the aggregates whose commands take plain
    values check them: text must be text, codes a list; each refusal is the context's `error`."""

    error: type[InvalidInputError] = InvalidInputError
    name_length: int = 200
    text_length: int = 500

    def stamp(self, actor: str, occurred_at: datetime) -> dict[str, Any]:
        """Who gave the command and when it happened, as the event's fields."""
        if not isinstance(occurred_at, datetime) or occurred_at.utcoffset() is None:
            raise self.error("occurred_at", "occurred_at must be a date-time with a time zone")
        return {
            "actor": self.required_text("actor", actor, self.name_length),
            "occurred_at": occurred_at,
        }

    def required_text(self, field: str, value: str, max_length: int) -> str:
        """Text, trimmed, that may not be blank."""
        text = self.optional_text(field, value, max_length)
        if not text:
            raise self.error(field, f"{field} must not be empty")
        return text

    def optional_text(self, field: str, value: str, max_length: int | None = None) -> str:
        """Text, trimmed; blank is fine."""
        limit = self.text_length if max_length is None else max_length
        if not isinstance(value, str):
            raise self.error(field, f"{field} must be text")
        _printable(value, field, self.error)
        text = value.strip()
        if len(text) > limit:
            raise self.error(field, f"{field} must be at most {limit} characters")
        return text

    def codes(self, field: str, values: Sequence[str], *, noun: str = "codes") -> list[str]:
        """A list of codes, each once, in the order given; none may be blank."""
        # A bare string is a Sequence[str] too; iterating it would yield single letters.
        if isinstance(values, str) or not isinstance(values, Sequence):
            raise self.error(field, f"{field} must be a list of {noun}")
        codes: list[str] = []
        for value in values:
            code = self.optional_text(field, value, self.name_length)
            if not code:
                raise self.error(field, f"{field} must not contain empty codes")
            if code not in codes:
                codes.append(code)
        return codes

    def choice(self, field: str, value: E | str, choices: type[E]) -> E:
        """One of an enum's members, given as itself or as its code."""
        try:
            return choices(value)
        except ValueError:
            known = ", ".join(str(member.value) for member in choices)
            raise self.error(field, f"unknown {field} {value!r}; use one of {known}") from None
