"""Who may see what: a block leader their blocks, a partner its own referrals, the secretary
and the auditor their whole community. Outside the scope a record does not exist (404)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flask import abort, g, request

from needs.exceptions import NeedNotFoundError, ReferralNotFoundError
from web.access_log import PERSONAL_FIELDS, note_read

PERSONAL_REFERRAL_FIELDS = ("resident_name", "contact_phone", "household", "description")


def _services() -> Any:
    from web import services

    return services()


def may_see_block(block: str) -> bool:
    user = g.user
    if user.role in ("secretary", "auditor"):
        return True
    return user.role == "block_leader" and block in user.blocks


def need_in_scope(need_id: UUID, *, version: int | None = None) -> dict[str, Any]:
    """The need as plain data, or 404 when it is not the caller's to see."""
    running = _services()
    need = running.casework.described.get_need(need_id, version=version)
    return _shown(need, running.clock.now())


def needs_in_scope(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The needs of read-model rows as plain data, each as new as its row; 404 as above."""
    running = _services()
    now = running.clock.now()
    return [_shown(need, now) for need in running.casework.described.list_needs(rows)]


def _shown(need: dict[str, Any], now: datetime) -> dict[str, Any]:
    if need["community"] != g.user.community or not may_see_block(need["block"]):
        raise NeedNotFoundError(f"no need {need['id']}")
    note_read(need["id"], PERSONAL_FIELDS, request.path, now)
    return with_overdue(need, now)


def check_need(need_id: UUID) -> None:
    """404 unless the caller may act on the need."""
    need_in_scope(need_id)


def with_overdue(need: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Mark a need nobody has visited or referred within its category's first-contact time."""
    community = _services().needs.community(need["community"])
    due = need["logged_at"] + timedelta(
        hours=community.category(need["category"]).first_contact_hours
    )
    untouched = not need["visits"] and not need["referrals"]
    need["overdue"] = need["status"] != "resolved" and untouched and now > due
    return need


def referral_in_scope(referral_id: UUID) -> dict[str, Any]:
    """The referral as the caller may see it, or 404."""
    referral = _services().casework.get_referral(referral_id)
    user = g.user
    visible = referral["community"] == user.community and (
        user.role in ("secretary", "auditor")
        or (user.role == "partner" and referral["partner_id"] == user.partner_id)
        or (user.role == "block_leader" and referral["block"] in user.blocks)
    )
    if not visible:
        raise ReferralNotFoundError(f"no referral {referral_id}")
    shown = shown_to_partner(referral) if user.role == "partner" else referral
    note_read(referral["need_id"], _personal_in(shown), request.path, _services().clock.now())
    return shown


def _personal_in(referral: dict[str, Any]) -> tuple[str, ...]:
    """The personal fields a referral as shown carries (none without consent for a partner)."""
    return tuple(f for f in PERSONAL_REFERRAL_FIELDS if f in referral)


def shown_to_partner(referral: dict[str, Any]) -> dict[str, Any]:
    """A partner sees the resident's personal data only while the resident consents."""
    if not referral["consent_to_share"]:
        return {k: v for k, v in referral.items() if k not in PERSONAL_REFERRAL_FIELDS}
    return referral


def check_block_allowed(block: str) -> None:
    """403 when a leader acts in a block that is not theirs (an action outside the role)."""
    if not may_see_block(block):
        abort(403, description=f"block {block} is not one of your blocks")
