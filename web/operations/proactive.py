"""What the three fives do across contexts: a record that becomes a need."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid5

from duties.exceptions import RecordNotTurnableError, RecordWithoutHouseholdError
from duties.rules import TURNS_INTO_NEED
from web.operations.casework import CONFIRM

if TYPE_CHECKING:
    from web.bootstrap import Services


def turn_record_into_need(
    services: Services, record_id: UUID, *, category: str, urgency: str, actor: str
) -> UUID:
    """Log a need from a concern or a suggestion about a household; the need's first note
    names the record and the record names the need. A retry finds the same need."""
    record = services.duties.load_record(record_id)
    if record.kind not in TURNS_INTO_NEED:
        raise RecordNotTurnableError(f"a {record.kind} record does not become a need")
    if record.household_id is None:
        raise RecordWithoutHouseholdError("a need is for a household; this record is about a block")
    if record.need_id is not None:
        return record.need_id
    need_id = uuid5(record_id, "need")
    services.casework.log_need(
        community=record.community,
        block=record.block,
        household_id=record.household_id,
        category=category,
        urgency=urgency,
        description=record.text,
        actor=actor,
        need_id=need_id,
        duplicates=CONFIRM,  # the leader turns this record into a need knowingly
    )
    link = f"record:{record_id} ({record.kind})"
    if all(note["text"] != link for note in services.needs.get_need(need_id)["notes"]):
        services.needs.add_note(need_id, link, actor=actor)
    services.duties.turn_record_into_need(record_id, need_id, category, urgency, actor=actor)
    return need_id
