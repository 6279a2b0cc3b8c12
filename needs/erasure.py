"""Erasure of a household's personal data: what a case refuses afterwards, and what an erasure
reports. The history stays; only the resident's data goes (what a case forgets: needs.domain)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from store.chain import ERASED_TEXT, get_path
from store.errors import HouseholdErasedError


def salt_personal_data(
    erased_at: datetime | None, personal: tuple[str, ...], kwargs: dict[str, Any]
) -> None:
    """Give an event about the resident its salt; an erased case takes no new personal data."""
    if erased_at is None:
        kwargs["salt"] = secrets.token_hex(16)
        return
    for path in personal:
        if get_path(kwargs, path) not in ("", ERASED_TEXT, None):
            raise HouseholdErasedError(
                f"the household's personal data was erased; {path} cannot be recorded"
            )
        kwargs[path] = ""
    kwargs["salt"] = ""


@dataclass(frozen=True)
class Erasure:
    """A household whose personal data was erased, and the cases that held it."""

    household_id: UUID
    erased_at: datetime
    erased_by: str
    need_ids: list[UUID]
