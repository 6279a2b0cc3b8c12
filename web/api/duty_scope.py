"""Who may see households, duties and records: a block leader their blocks, the secretary and
the auditor the whole community, partners none of it. Outside the scope a record does not
exist (404)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import g, request

from duties.exceptions import DutyNotFoundError, HouseholdNotFoundError, RecordNotFoundError
from web.api.scope import may_see_block
from web.api.scope import scoped_blocks as scoped_blocks  # the duties' lists use it
from web.operations.access_log import DUTY_FIELDS, HOUSEHOLD_FIELDS, RECORD_FIELDS, note_read

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
    note_read(household_id, HOUSEHOLD_FIELDS, request.path, now)
    for duty in household["duties"]:
        duty["overdue"] = duty["status"] == "open" and now > duty["due_at"]
    return household


def duty_in_scope(duty_id: UUID) -> dict[str, Any]:
    """The duty as plain data, or 404 when it is not the caller's to see."""
    running = _services()
    duty = running.duties.get_duty(duty_id)
    if not _visible(duty["community"], duty["block"]):
        raise DutyNotFoundError(f"no duty {duty_id}")
    note_read(duty["household_id"], DUTY_FIELDS, request.path, running.clock.now())
    return duty


def noted_duties(duties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A list of duties in scope, each read of its household's people noted (who looked)."""
    now = _services().clock.now()
    for duty in duties:
        note_read(duty["household_id"], DUTY_FIELDS, request.path, now)
    return duties


def record_in_scope(record_id: UUID) -> dict[str, Any]:
    """The record as plain data, or 404 when it is not the caller's to see."""
    running = _services()
    record = running.duties.get_record(record_id)
    if not _visible(record["community"], record["block"]):
        raise RecordNotFoundError(f"no record {record_id}")
    if record["household_id"] is not None:  # a block's record holds nobody's personal data
        note_read(record["household_id"], RECORD_FIELDS, request.path, running.clock.now())
    return record
