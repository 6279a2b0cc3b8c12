"""A project's personal values sealed per household (store.sealing): each event that carries
them names its household (`household_id`), whose key seals them — made on the household's first
sealed value, gone when it is erased. A team member who is no household of the building has no
household key: their name is kept under CIPHER_KEY only, like a block-wide record."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from store.sealing import SealingMapper


def household_named(event: Any) -> UUID | None:
    """The household a project's event names, if any."""
    named = event.__dict__.get("household_id")
    return UUID(str(named)) if named is not None else None


class ProjectSealingMapper(SealingMapper):
    """Seals each event under the household it names, not the subject's first event's."""

    def _seal(self, event: Any, personal: tuple[str, ...]) -> dict[str, Any]:
        if self.household_named(event) is None:
            return dict(vars(event))
        return super()._seal(event, personal)

    def _key_to_seal(self, named: UUID | None, subject_id: UUID, version: int) -> bytes | None:
        assert self.keys is not None
        assert named is not None
        if self.keys.tombstone(named) is not None:
            return None  # erased: only an empty value may still be recorded
        return self.keys.key_for_new_case(named)
