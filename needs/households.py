"""Where a need's household comes from: one already known by id or by address, or a new one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID, uuid4

from kernel.checks import text
from kernel.community import Community, parse_building
from kernel.errors import InvalidInputError
from needs.exceptions import HouseholdNotFoundError
from needs.values import Household


class HouseholdIndex(Protocol):
    """Finds households already known by address, so a need joins its household's history."""

    def find_household(
        self, community: str, block: str, building: int, unit: str, room: str
    ) -> UUID | None: ...

    def household_need(self, household_id: UUID) -> UUID | None:
        """The household's most recent need, which holds its address."""


class KnownCase(Protocol):
    """What a case tells of its household."""

    community: str
    block: str
    household: Household


def household_for(
    community: Community,
    block: str,
    building: str | int | None,
    unit: str | None,
    room: str | None,
    household_id: UUID | None,
    registered: UUID | None,
    index: HouseholdIndex | None,
    load_case: Callable[[UUID], KnownCase],
) -> Household:
    """The household a need is logged for: named by id (its latest case holds the address), or
    by address — the one registered or found there, else a new one."""
    community.block(block)
    if household_id is not None:
        need_id = index.household_need(household_id) if index else None
        known = load_case(need_id) if need_id else None
        if known is None or known.community != community.id or known.block != block:
            raise HouseholdNotFoundError(f"no household {household_id} in block {block}")
        return known.household
    if building is None or building == "":
        raise InvalidInputError("household.building", "the household's building is required")
    number = parse_building(building)
    unit_text = text(unit, "household.unit", required=False, limit=10)
    room_text = text(room, "household.room", required=False, limit=10)
    found = registered
    if found is None and index is not None:
        found = index.find_household(community.id, block, number, unit_text, room_text)
    return Household(found or uuid4(), number, unit_text, room_text)
