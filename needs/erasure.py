"""Erasure of a household's personal data: what a case forgets, what it refuses afterwards, and
what an erasure reports. The history stays; only the resident's data goes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from store.chain import ERASED_TEXT, Erased, get_path
from store.errors import HouseholdErasedError

if TYPE_CHECKING:
    from needs.domain import Need


def salt_personal_data(need: Need, personal: tuple[str, ...], kwargs: dict[str, Any]) -> None:
    """Give an event about the resident its salt; an erased case takes no new personal data."""
    if need.erased_at is None:
        kwargs["salt"] = secrets.token_hex(16)
        return
    for path in personal:
        if get_path(kwargs, path) not in ("", ERASED_TEXT, None):
            raise HouseholdErasedError(
                f"the household's personal data was erased; {path} cannot be recorded"
            )
        kwargs[path] = ""
    kwargs["salt"] = ""


def blank_personal_data(need: Need) -> None:
    """Every copy of the case forgets the resident; only the commitments remain."""
    gone = Erased("")
    need.resident_name = need.contact_phone = need.description = need.summary = gone
    need.household = replace(need.household, unit=gone, room=gone)
    need.visits = [replace(v, notes=gone) for v in need.visits]
    need.notes = [replace(n, text=gone) for n in need.notes]
    for referral in need.referrals:
        referral.note = referral.partner_note = referral.override_reason = gone


@dataclass(frozen=True)
class Erasure:
    """A household whose personal data was erased, and the cases that held it."""

    household_id: UUID
    erased_at: datetime
    erased_by: str
    need_ids: list[UUID]
