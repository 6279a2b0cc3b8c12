"""What the casework and the duties applications share: personal values sealed with each
household's key, the communities the deployment serves, one clock for every stamp, and read
models that follow each save."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Recording

from kernel.checks import Stamp
from kernel.clock import Clock, SystemClock
from kernel.community import DEMO_COMMUNITY, Community
from kernel.errors import InvalidInputError
from store.commands import CommandKey
from store.keystore import KeyStore
from store.sealing import SealingMapper

log = logging.getLogger(__name__)


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
        # Each is given what a save recorded, once it is stored (a read model's follower).
        self.after_save: list[Callable[[list[Recording[UUID]]], object]] = []

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        for follow in self.after_save:
            # The events are stored; a lagging read model catches up on the next save.
            try:
                follow(recordings)
            except Exception:
                log.exception("a read model of %s failed to catch up after a save", self.name)
        return recordings

    def load_many(self, aggregate_ids: Sequence[UUID]) -> dict[UUID, Any]:
        """{id: the aggregate} of those found, their events read a few hundred aggregates to a
        statement (as the repository would rebuild each, without its round trip each), their
        households' keys read together just before their events are opened."""
        from eventsourcing.application import project_aggregate

        from store.bulk_events import CHUNK, select_events_of

        found: dict[UUID, Any] = {}
        for start in range(0, len(aggregate_ids), CHUNK):
            chunk = aggregate_ids[start : start + CHUNK]
            if self.keys is not None:
                self.keys.keys_for(chunk)
            for aggregate_id, stored in select_events_of(self.recorder, chunk).items():
                events = [self.mapper.to_domain_event(event) for event in stored]
                aggregate = project_aggregate(None, events)
                if aggregate is not None:
                    found[aggregate_id] = aggregate
        return found

    def community(self, community_id: str) -> Community:
        """A community this deployment serves."""
        try:
            return self.communities[community_id]
        except KeyError:
            raise InvalidInputError("community", f"unknown community {community_id}") from None

    def stamp(
        self, actor: str, occurred_at: datetime | None, command: CommandKey | None = None
    ) -> Stamp:
        """Who and when, with the service's own clock for the recorded time; and the command,
        when its sender named it."""
        now = self.clock.now()
        named = None if command is None else command.id
        return Stamp(actor=actor, occurred_at=occurred_at or now, recorded_at=now, command=named)
