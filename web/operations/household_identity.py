"""Household identity across the contexts: the duties own it (a Household aggregate per
address), and a need logged for an address joins the household registered there."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from duties.application import Duties
from duties.exceptions import DutiesNotFoundError, InvalidDutyInputError
from duties.views import DutiesView
from kernel.community import Community
from kernel.errors import InvalidInputError
from needs.exceptions import HouseholdNotFoundError
from needs.views import NeedsView


class HouseholdDirectory:
    """Where a need finds its household: registered with the duties, else known from an
    earlier need logged before the duties existed."""

    def __init__(self, duties_view: DutiesView, needs_view: NeedsView) -> None:
        self.duties_view = duties_view
        self.needs_view = needs_view

    def find_household(
        self, community: str, block: str, building: int, unit: str, room: str
    ) -> UUID | None:
        args = (community, block, building, unit, room)
        return self.duties_view.find_household(*args) or self.needs_view.find_household(*args)

    def household_need(self, household_id: UUID) -> UUID | None:
        return self.needs_view.household_need(household_id)


class HouseholdIdentity:
    """Settles which household a new need is for, registering it with the duties first."""

    def __init__(self, duties: Duties, needs_view: NeedsView) -> None:
        self.duties = duties
        self.needs_view = needs_view

    def settle(
        self,
        community: Community,
        block: str,
        household_id: UUID | None,
        address: dict[str, Any],
        actor: str,
        occurred_at: datetime | None,
    ) -> tuple[UUID | None, dict[str, Any], UUID | None]:
        """(household id, address, household registered there) to log the need with: a
        household known only to the duties is named by its address; a new address is
        registered before the need."""
        if household_id is not None and self.needs_view.household_need(household_id) is None:
            return None, self._address_of(household_id, community.id, block), household_id
        if household_id is None and address["building"] not in (None, ""):
            return None, address, self._register(community, block, address, actor, occurred_at)
        return household_id, address, None

    def _register(
        self,
        community: Community,
        block: str,
        address: dict[str, Any],
        actor: str,
        occurred_at: datetime | None,
    ) -> UUID | None:
        unit, room = ((address[k] or "").strip() for k in ("unit", "room"))
        try:
            number = community.building_in_block(block, address["building"])
            # Most needs are for an address the duties know: one query, and nothing to save.
            known = self.duties.find_household(community.id, block, number, unit, room)
            if known is not None:
                return known
            earlier = self.needs_view.find_household(community.id, block, number, unit, room)
            return self.duties.register_household(
                community=community.id,
                block=block,
                **address,
                actor=actor,
                occurred_at=occurred_at,
                household_id=earlier,
            )
        except (InvalidInputError, InvalidDutyInputError):
            # The need's own checks report bad input, with the fields as the API names them.
            return None

    def _address_of(self, household_id: UUID, community: str, block: str) -> dict[str, Any]:
        try:
            household = self.duties.load_household(household_id)
        except DutiesNotFoundError:
            raise HouseholdNotFoundError(f"no household {household_id} in block {block}") from None
        if (household.community, household.block) != (community, block):
            raise HouseholdNotFoundError(f"no household {household_id} in block {block}")
        household.refuse_personal_data("household")  # its address reads [erased] now
        return {"building": household.building, "unit": household.unit, "room": household.room}
