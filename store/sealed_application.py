"""What the casework and the duties applications share: personal values sealed with each
household's key, the communities the deployment serves, and one clock for every stamp."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import cast
from uuid import UUID

from eventsourcing.application import Application

from kernel.checks import Stamp
from kernel.clock import Clock, SystemClock
from kernel.community import DEMO_COMMUNITY, Community
from kernel.errors import InvalidInputError
from store.keystore import KeyStore
from store.sealing import SealingMapper


class SealedApplication(Application[UUID]):
    """An application whose mapper seals personal values per household (construct_mapper)."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        communities: Mapping[str, Community] | None = None,
        clock: Clock | None = None,
        keys: KeyStore | None = None,
    ) -> None:
        self.keys = keys  # before the library's __init__, which builds the sealing mapper
        super().__init__(env)
        cast(SealingMapper, self.mapper).recorder = self.recorder
        self.communities = dict(communities or {DEMO_COMMUNITY.id: DEMO_COMMUNITY})
        self.clock = clock or SystemClock()

    def community(self, community_id: str) -> Community:
        """A community this deployment serves."""
        try:
            return self.communities[community_id]
        except KeyError:
            raise InvalidInputError("community", f"unknown community {community_id}") from None

    def stamp(self, actor: str, occurred_at: datetime | None) -> Stamp:
        """Who and when, with the service's own clock for the recorded time."""
        now = self.clock.now()
        return Stamp(actor=actor, occurred_at=occurred_at or now, recorded_at=now)
