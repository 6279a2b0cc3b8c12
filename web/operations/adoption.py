"""A release step of `init-db`: households the cases knew before the duties existed are
registered with the duties under the same id, at the address of their latest need — so the
duties' address index, the only one, finds every household a need was ever logged for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from kernel.errors import DomainError

if TYPE_CHECKING:
    from web.bootstrap import Services

ACTOR = "init-db"


@dataclass
class Adoption:
    """How many households were registered, and those that could not be, with why."""

    adopted: int = 0
    refused: dict[UUID, str] = field(default_factory=dict)


def adopt_case_households(services: Services) -> Adoption:
    """Register with the duties each household only the cases know. Safe to run on every
    release: a household registered already is left alone, an erased one is not brought back,
    and one refused (its key store not restored yet, a building moved out of its block) is
    tried again on the next run."""
    services.follower.catch_up()
    services.duties_follower.catch_up()
    registered = services.duties_view.household_ids()
    adoption = Adoption()
    for household_id, need_id in services.view.household_latest_needs().items():
        if household_id in registered or services.keys.tombstone(household_id) is not None:
            continue
        try:
            need = services.needs.load(need_id)
            adopted = services.duties.adopt_household(
                household_id,
                community=need.community,
                block=need.block,
                building=need.household.building,
                unit=need.household.unit,
                room=need.household.room,
                actor=ACTOR,
            )
        except DomainError as error:
            adoption.refused[household_id] = str(error)
            continue
        adoption.adopted += int(adopted)
    return adoption
