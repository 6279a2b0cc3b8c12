"""Erasure inside a case: what the case forgets when its household is erased, and the personal
data it refuses afterwards. The history stays; only the resident's data goes."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from needs.chain import ERASED_TEXT, Erased, get_path
from needs.exceptions import HouseholdErasedError

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
