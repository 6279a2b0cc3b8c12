"""Who may see households, duties and records: a block leader their blocks, the secretary and
the auditor the whole community, partners none of it. Outside the scope a record does not
exist (404)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g

from duties.exceptions import DutyNotFoundError, HouseholdNotFoundError, RecordNotFoundError
from web.api.scope import may_see_block

LEADERS = ("secretary", "block_leader")
READERS = ("secretary", "block_leader", "auditor")


def _services() -> Any:
    from web import services

    return services()


def _visible(community: str, block: str) -> bool:
    return community == g.user.community and may_see_block(block)


def household_in_scope(household_id: UUID) -> dict[str, Any]:
    """The household as plain data, or 404 when it is not the caller's to see."""
    running = _services()
    household = running.duties.get_household(household_id)
    if not _visible(household["community"], household["block"]):
        raise HouseholdNotFoundError(f"no household {household_id}")
    now = running.clock.now()
    for duty in household["duties"]:
        duty["overdue"] = duty["status"] == "open" and now > duty["due_at"]
    return household


def duty_in_scope(duty_id: UUID) -> dict[str, Any]:
    """The duty as plain data, or 404 when it is not the caller's to see."""
    duty = _services().duties.get_duty(duty_id)
    if not _visible(duty["community"], duty["block"]):
        raise DutyNotFoundError(f"no duty {duty_id}")
    return duty


def record_in_scope(record_id: UUID) -> dict[str, Any]:
    """The record as plain data, or 404 when it is not the caller's to see."""
    record = _services().duties.get_record(record_id)
    if not _visible(record["community"], record["block"]):
        raise RecordNotFoundError(f"no record {record_id}")
    return record


def scoped_blocks(requested: str | None) -> list[str] | None:
    """The blocks a list covers: the one asked for (if the caller may), else all of theirs."""
    from web.api.scope import check_block_allowed

    if requested is not None:
        check_block_allowed(requested)
        return [requested]
    return list(g.user.blocks) if g.user.role == "block_leader" else None
