"""A household's whole story, composed from two contexts: the needs logged for it (casework)
beside its watched members, life events, duties and records (the duties), newest first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from kernel.clock import SHANGHAI

if TYPE_CHECKING:
    from web.bootstrap import Services

# More needs than one household ever has: the story lists every one.
EVERY_NEED = 1000
STORY_KINDS = ("need", "life_event", "watched_member", "duty", "record")


def household_need_rows(services: Services, community: str, household_id: UUID) -> list[Any]:
    """The read-model rows of every need logged for the household, newest first."""
    rows, _ = services.view.list_needs(community, household_id=household_id, limit=EVERY_NEED)
    return sorted(rows, key=lambda r: (r["logged_at"], r["need_id"]), reverse=True)


def household_records(services: Services, household_id: UUID) -> list[dict[str, Any]]:
    """The records made about the household, newest first."""
    ids = services.duties_view.household_records(household_id)
    return [services.duties.get_record(r) for r in ids]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def story(
    household: Mapping[str, Any],
    needs: Iterable[Mapping[str, Any]],
    records: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Every need, life event, watched member's group, duty and record of the household as
    one list, newest first: each entry's kind, when it happened, the item's id and a word on
    where it stands (a need's status, a duty's, a group's)."""
    entries: list[dict[str, Any]] = []
    for need in needs:
        entries.append(_entry("need", need["logged_at"], need["id"], need["status"]))
    for event in household["life_events"]:
        entries.append(_entry("life_event", event["occurred_at"], event["id"], event["type"]))
    for member in household["members"]:
        for span in member["groups"]:
            at = _day_start(span["starts_on"])
            entries.append(_entry("watched_member", at, member["id"], span["group"]))
    for duty in household["duties"]:
        entries.append(_entry("duty", duty["fell_due_at"], duty["id"], duty["status"]))
    for record in records:
        entries.append(_entry("record", record["made_at"], record["id"], record["kind"]))
    return sorted(entries, key=lambda e: e["at"], reverse=True)


def _entry(kind: str, at: datetime, item_id: UUID, state: str) -> dict[str, Any]:
    return {"kind": kind, "at": at, "id": item_id, "state": state}
