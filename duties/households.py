"""Household identity, owned by the duties alone: one Household aggregate per address, found by
the read model's address index, and what a need logged for a household is told of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from duties.domain import Household
from duties.exceptions import HouseholdNotFoundError
from duties.values import HouseholdAddress
from kernel.checks import text
from kernel.community import Community, parse_building
from kernel.errors import InvalidInputError
from store.commands import CommandKey
from store.sealed_application import SealedApplication


class DutiesIndex(Protocol):
    """Finds households by address and the household that owes a duty."""

    def find_household(
        self, community: str, block: str, building: int, unit: str, room: str
    ) -> UUID | None: ...

    def duty_household(self, duty_id: UUID) -> UUID | None: ...


class HouseholdRegistry(SealedApplication):
    """The households by address: found, registered, and named to a need by id or address."""

    index: DutiesIndex | None

    def register_household(
        self,
        *,
        community: str,
        block: str,
        building: str | int,
        unit: str | None = None,
        room: str | None = None,
        actor: str,
        occurred_at: datetime | None = None,
        household_id: UUID | None = None,
        key: CommandKey | None = None,
    ) -> UUID:
        """Register the household at an address; the one already registered there is kept,
        and a command sent again finds the one it registered."""
        if key is not None:
            household_id = household_id or key.makes("household")
            if key.ran_in(self._load(household_id, None)):
                return household_id
        where = self.community(community)
        number = where.building_in_block(block, building)
        found = self.find_household(community, block, number, unit, room)
        if found is not None:
            return found
        return self._register(
            where, block, number, unit, room, actor, occurred_at, household_id, key
        )

    def find_household(
        self, community: str, block: str, building: int, unit: str | None, room: str | None
    ) -> UUID | None:
        """The household registered at the address, if any."""
        if self.index is None:
            return None
        return self.index.find_household(
            community, block, building, (unit or "").strip(), (room or "").strip()
        )

    def settle_household(
        self,
        *,
        community: str,
        block: str,
        building: str | int | None,
        unit: str | None,
        room: str | None,
        actor: str,
        occurred_at: datetime | None = None,
        key: CommandKey | None = None,
    ) -> HouseholdAddress:
        """The household a new need at this address is for: the one registered there, else
        one registered now (a command sent again finds the one it registered). Bad input is
        refused with the fields named as a need names them (household.building,
        household.unit, household.room)."""
        where = self.community(community)
        where.block(block)
        if building is None or building == "":
            raise InvalidInputError("household.building", "the household's building is required")
        number = parse_building(building)
        unit_text = text(unit, "household.unit", required=False, limit=10)
        room_text = text(room, "household.room", required=False, limit=10)
        made = None if key is None else key.makes("household")
        found = self.find_household(community, block, number, unit_text, room_text)
        if found is None and made is not None and self._load(made, None) is not None:
            found = made  # registered by this command before a crash; the index may lag
        if found is None:
            found = self._register(
                where, block, number, unit_text, room_text, actor, occurred_at, made, key
            )
        return HouseholdAddress(found, number, unit_text, room_text)

    def household_address(self, household_id: UUID, community: str, block: str) -> HouseholdAddress:
        """Where a household of the block lives, for a need logged for it by id; refused when
        it is not in the block or its personal data was erased."""
        self.community(community)
        household = self.household_in_block(household_id, community, block)
        household.refuse_personal_data("household")  # its address reads [erased] now
        return HouseholdAddress(household.id, household.building, household.unit, household.room)

    def adopt_household(
        self,
        household_id: UUID,
        *,
        community: str,
        block: str,
        building: int,
        unit: str,
        room: str,
        actor: str,
    ) -> bool:
        """Register under its own id a household the cases knew before the duties existed, at
        its latest address (a release step); False when that id is registered already."""
        if self._load(household_id, None) is not None:
            return False
        where = self.community(community)
        self._register(where, block, building, unit, room, actor, None, household_id)
        return True

    def household_in_block(self, household_id: UUID, community: str, block: str) -> Household:
        """The household, or HouseholdNotFoundError when it is not one of the block's."""
        found = self._load(household_id, None)
        if not isinstance(found, Household) or (found.community, found.block) != (
            community,
            block,
        ):
            raise HouseholdNotFoundError(f"no household {household_id} in block {block}")
        return found

    def load_household(self, household_id: UUID, version: int | None = None) -> Household:
        """The household aggregate itself."""
        found = self._load(household_id, version)
        if not isinstance(found, Household):
            raise HouseholdNotFoundError(f"no household {household_id}")
        return found

    def load_households(self, household_ids: Sequence[UUID]) -> dict[UUID, Household]:
        """{id: the household} of those found, read together (a ledger's import)."""
        found = self.load_many(household_ids)
        return {i: h for i, h in found.items() if isinstance(h, Household)}

    def _register(
        self,
        where: Community,
        block: str,
        building: int | str,
        unit: str | None,
        room: str | None,
        actor: str,
        occurred_at: datetime | None,
        household_id: UUID | None = None,
        key: CommandKey | None = None,
    ) -> UUID:
        household = Household.register(
            where,
            block=block,
            building=building,
            unit=unit,
            room=room,
            stamp=self.stamp(actor, occurred_at, key),
            household_id=household_id,
        )
        self.save(household)
        return household.id

    def _load(self, aggregate_id: UUID, version: int | None) -> Any:
        try:
            return self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            return None
