"""The checks a partner's commands make of their arguments: codes, capacity, modes, contacts
and pauses. Each refusal is an InvalidPartnerError naming the field at fault."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kernel.checks import ArgumentChecks
from partners.exceptions import InvalidPartnerError
from partners.webhooks import WebhookPolicy, url_refusal

ALL_BLOCKS = "*"
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 500
MAX_CAPACITY = 10_000
MAX_PEOPLE = 20
MODES = ("联建", "共建", "帮建")  # joint building, co-building, help-building
check = ArgumentChecks(InvalidPartnerError, MAX_NAME_LENGTH, MAX_TEXT_LENGTH)


def codes(field: str, values: Sequence[str]) -> list[str]:
    """A non-empty list of codes, each once."""
    found = check.codes(field, values)
    if not found:
        raise InvalidPartnerError(field, f"{field} must not be empty")
    return found


def categories(values: Sequence[str]) -> list[str]:
    """The category codes a partner serves."""
    return codes("categories", values)


def blocks(values: Sequence[str]) -> list[str]:
    """The block codes a partner covers, or ["*"] for all."""
    found = codes("blocks", values)
    if ALL_BLOCKS in found and len(found) > 1:
        raise InvalidPartnerError("blocks", 'use ["*"] alone to cover all blocks')
    return found


def capacity(value: int, field: str = "weekly_capacity") -> int:
    """A whole number of referrals, 0 to 10,000."""
    # bool is an int subclass; True as a capacity is a caller's mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPartnerError(field, f"{field} must be a whole number")
    if value < 0:
        raise InvalidPartnerError(field, f"{field} must not be negative")
    if value > MAX_CAPACITY:
        raise InvalidPartnerError(field, f"{field} must be at most {MAX_CAPACITY}")
    return value


def mode(value: str) -> str:
    """The partnership mode: 联建, 共建 or 帮建 (or none yet)."""
    text = check.optional_text("mode", value, 10)
    if text and text not in MODES:
        raise InvalidPartnerError("mode", f"unknown mode {text!r}; use one of {', '.join(MODES)}")
    return text


def webhook_url(value: str, policy: WebhookPolicy) -> str:
    """An address the deployment's policy lets the service post to (or none)."""
    url = check.optional_text("webhook_url", value, 500)
    refusal = url_refusal(url, policy) if url else None
    if refusal is not None:
        raise InvalidPartnerError("webhook_url", f"webhook_url: {refusal}")
    return url


def people(values: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Named contact people: name, role, phone, and whether the partner agreed to publish them."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise InvalidPartnerError("people", "people must be a list")
    if len(values) > MAX_PEOPLE:
        raise InvalidPartnerError("people", f"at most {MAX_PEOPLE} contact people")
    found = []
    for person in values:
        if not isinstance(person, Mapping):
            raise InvalidPartnerError("people", "each contact person must be an object")
        published = person.get("published", False)
        if not isinstance(published, bool):
            raise InvalidPartnerError("people", "published must be true or false")
        found.append(
            {
                "name": check.required_text("people", person.get("name", ""), MAX_NAME_LENGTH),
                "role": check.optional_text("people", person.get("role", ""), MAX_NAME_LENGTH),
                "phone": phone("people", person.get("phone", "")),
                "published": published,
            }
        )
    return found


def phone(field: str, value: str) -> str:
    """A phone number (digits, spaces, + - ( ) and /), or none."""
    number = check.optional_text(field, value, 40)
    allowed = set("0123456789 +-()/")
    if number and (not set(number) <= allowed or sum(c.isdigit() for c in number) < 3):
        raise InvalidPartnerError(field, f"{number!r} is not a phone number")
    return number


def email(value: str) -> str:
    """An e-mail address, or none."""
    text = check.optional_text("email", value, 200)
    if text and ("@" not in text.strip("@") or " " in text):
        raise InvalidPartnerError("email", f"{text!r} is not an e-mail address")
    return text


def iso_date(field: str, value: date | str) -> str:
    """A calendar day, kept as YYYY-MM-DD text (events carry plain values)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise InvalidPartnerError(field, f"{field} must be a date, YYYY-MM-DD") from None
    if not isinstance(value, date):
        raise InvalidPartnerError(field, f"{field} must be a date")
    return value.isoformat()


def pause(starts: date | str, ends: date | str) -> tuple[str, str]:
    """The first and last day of a pause; it may not end before it starts."""
    first, last = iso_date("starts_on", starts), iso_date("ends_on", ends)
    if last < first:
        raise InvalidPartnerError("ends_on", "ends_on must not be before starts_on")
    return first, last
