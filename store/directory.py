"""An in-memory read model kept current by following an application's notification log."""

from __future__ import annotations

from abc import ABC, abstractmethod
from threading import RLock
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Mapper

# Notifications read per query to the store while catching up.
BATCH_SIZE = 500


class Directory(ABC):
    """Every record of an application, held in memory and moved forward by notification id,
    so each event is applied once per process, and events saved by other processes on the same
    store are seen. Rebuilt from the log on start. Hold `lock` while reading what `apply` keeps,
    so no catch-up of another thread changes it meanwhile."""

    def __init__(self) -> None:
        self.lock = RLock()
        self.last_seen = 0

    def catch_up(
        self, recorder: ApplicationRecorder, mapper: Mapper[Any], *, seen_up_to: int | None = None
    ) -> None:
        """Apply every notification after the last one seen; nothing when the caller knows the
        log ends at `seen_up_to` and that one was seen already."""
        with self.lock:
            if seen_up_to is not None and seen_up_to <= self.last_seen:
                return
            while True:
                notifications = recorder.select_notifications(
                    start=self.last_seen, limit=BATCH_SIZE, inclusive_of_start=False
                )
                for notification in notifications:
                    self.apply(mapper.to_domain_event(notification))
                    self.last_seen = notification.id
                if len(notifications) < BATCH_SIZE:
                    return

    @abstractmethod
    def apply(self, event: object) -> None:
        """Change the records by one event of the log (any of its events, of any aggregate)."""
