"""Plain-data views of a case and its events, for queries to hand out."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from needs.domain import Need
from needs.values import Referral

# Attributes every event has; a history entry shows them apart from the event's own data (the
# command an event came from is the service's own bookkeeping: not shown).
_COMMON = frozenset(
    {
        "originator_id",
        "originator_version",
        "timestamp",
        "actor",
        "occurred_at",
        "originator_topic",
        "chain",
        "salt",
        "command_id",
    }
)


def describe_need(need: Need) -> dict[str, Any]:
    """The case's current state as plain data."""
    return {
        "id": need.id,
        "version": need.version,
        "community": need.community,
        "category": need.category,
        "block": need.block,
        "household": plain(need.household),
        "resident_name": need.resident_name,
        "contact_phone": need.contact_phone,
        "description": need.description,
        "urgency": need.urgency.value,
        "status": need.status.value,
        "consent_to_share": need.consent_to_share,
        "assignee": need.assignee,
        "logged_by": need.logged_by,
        "logged_at": need.logged_at,
        "recorded_at": need.created_on,
        "updated_at": need.modified_on,
        "resolution": need.resolution.value if need.resolution else None,
        "summary": need.summary,
        "escalated": need.escalated_at is not None,
        "escalated_at": need.escalated_at,
        "escalation_reason": need.escalation_reason if need.escalated_at else None,
        "referrals": [describe_referral(need, r) for r in need.referrals],
        "visits": [plain(v) for v in need.visits],
        "notes": [plain(n) for n in need.notes],
        "erased_at": need.erased_at,
        "erased_by": need.erased_by,
        "resolved_at": need.resolved_at if need.resolution else None,
        "follow_up": plain(need.follow_up) if need.follow_up else None,
        "volunteer": dict(need.volunteer) if need.volunteer else None,
        "duplicate_of": need.duplicate_of,
        "duplicate_flagged": need.duplicate_of is not None and not need.duplicate_confirmed,
    }


def describe_referral(need: Need, referral: Referral) -> dict[str, Any]:
    """A referral with the case facts a partner works from; personal data included —
    the delivery layer removes it where the resident has not consented."""
    return {
        "id": referral.id,
        "version": referral.version,
        "need_id": need.id,
        "community": need.community,
        "partner_id": referral.partner_id,
        "partner_name": referral.partner_name,
        "status": referral.status.value,
        "category": need.category,
        "urgency": need.urgency.value,
        "block": need.block,
        "building": need.household.building,
        "note": referral.note,
        "sent_at": referral.sent_at,
        "sent_by": referral.sent_by,
        "respond_by": referral.respond_by,
        "responded_at": referral.responded_at,
        "closed_at": referral.closed_at,
        "decline_reason": referral.decline_reason.value if referral.decline_reason else None,
        "outcome": referral.outcome.value if referral.outcome else None,
        "partner_note": referral.partner_note,
        "override_reason": referral.override_reason,
        "delivery_failed": referral.delivery_failed,
        "consent_to_share": need.consent_to_share,
        "resident_name": need.resident_name,
        "contact_phone": need.contact_phone,
        "household": plain(need.household),
        "description": need.description,
    }


def describe_event(event: Any) -> dict[str, Any]:
    """One history entry: version, type, both clocks, actor and the event's own data."""
    data = {k: plain(v) for k, v in event.__dict__.items() if k not in _COMMON}
    return {
        "version": event.originator_version,
        "type": type(event).__name__,
        "occurred_at": event.occurred_at,
        "recorded_at": event.timestamp,
        "actor": event.actor,
        "chain": getattr(event, "chain", ""),
        "data": data,
    }


def plain(value: Any) -> Any:
    """Enums to codes, UUIDs to strings, records to dicts; datetimes stay datetimes."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple | frozenset | set):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
