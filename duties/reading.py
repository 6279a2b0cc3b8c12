"""Households, duties and records as plain data: what the API, the pages and the tests read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from duties.domain import Household
from duties.record import Record
from duties.values import Duty


def describe_household(household: Household) -> dict[str, Any]:
    """The household with its members' groups, its life events and its duties."""
    members: dict[Any, dict[str, Any]] = {}
    for m in household.memberships:
        member = members.setdefault(m.member_id, {"id": m.member_id, "name": m.member})
        member.setdefault("groups", []).append(
            {"group": m.group, "starts_on": m.starts_on, "ends_on": m.ends_on}
        )
    return {
        "id": household.id,
        "version": household.version,
        "community": household.community,
        "block": household.block,
        "building": household.building,
        "unit": household.unit,
        "room": household.room,
        "members": list(members.values()),
        "life_events": [
            {
                "id": e.id,
                "type": e.type,
                "note": e.note,
                "occurred_at": e.occurred_at,
                "recorded_by": e.recorded_by,
            }
            for e in household.life_events
        ],
        "duties": [describe_duty(household, d) for d in household.duties],
        "erased_at": household.erased_at,
        "erased_by": household.erased_by,
    }


def describe_duty(household: Household, duty: Duty, now: datetime | None = None) -> dict[str, Any]:
    """One duty with where it is owed; `overdue` when a moment to judge by is given."""
    member = next((m.member for m in household.memberships if m.member_id == duty.cause_id), None)
    described = {
        "id": duty.id,
        "household_id": household.id,
        "version": household.version,
        "community": household.community,
        "block": household.block,
        "building": household.building,
        "unit": household.unit,
        "room": household.room,
        "kind": duty.kind,
        "reason": duty.reason,
        "member": member,
        "fell_due_at": duty.fell_due_at,
        "due_at": duty.due_at,
        "status": "open" if duty.is_open else "discharged",
        "discharged_at": duty.discharged_at,
        "discharged_by": duty.discharged_by,
        "notes": duty.notes,
        "volunteer": dict(duty.volunteer) if duty.volunteer else None,
    }
    if now is not None:
        described["overdue"] = duty.is_open and now > duty.due_at
    return described


def describe_record(record: Record) -> dict[str, Any]:
    """A record, with the need it became, if any."""
    return {
        "id": record.id,
        "version": record.version,
        "community": record.community,
        "kind": record.kind,
        "block": record.block,
        "household_id": record.household_id,
        "text": record.text,
        "made_by": record.made_by,
        "made_at": record.made_at,
        "need_id": record.need_id,
    }
