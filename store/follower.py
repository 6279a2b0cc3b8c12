"""Keeping a read model up to date by following an application's log, exactly once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, Recording
from eventsourcing.utils import resolve_topic

from store.sqlstore import SqlStore
from store.tracking import PositionMovedError

REBUILD_BATCH = 5000


class TrackedView(Protocol):
    """A read model that stores its position in the log beside its rows. One that reads the
    personal values of only some events names them in `personal_events` (their classes)."""

    def position(self, application_name: str) -> int: ...

    def process(self, application_name: str, start: int, events: list[tuple[int, Any]]) -> None: ...

    def reset(self, application_name: str) -> None: ...


class Follower:
    """Reads new notifications from the application's recorder and hands them to the view
    in batches; a batch and its position commit together, so a crash loses nothing and
    two followers (threads or processes) never apply an event twice."""

    def __init__(self, app: Application[Any], view: TrackedView, batch_size: int = 1000) -> None:
        self.app = app
        self.view = view
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._decode = _decoder(app.mapper, getattr(view, "personal_events", None))

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Process everything recorded so far; returns how many events this call applied."""
        return self._catch_up(progress, self.batch_size)

    def _catch_up(self, progress: Callable[[int], None] | None, batch_size: int) -> int:
        applied = 0
        with self._lock:
            while True:
                with _collection_paused():
                    count = self._apply_next(batch_size)
                if count is None:
                    continue  # another follower moved the view on: read on from there
                applied += count
                if count and progress is not None:
                    progress(applied)
                if count < batch_size:
                    # A short batch was the end of the log when it was read: no need to ask again.
                    return applied

    def _apply_next(self, batch_size: int) -> int | None:
        """Read, decode and apply the batch after the view's position: how many events, or
        None when the position moved meanwhile. The batch is freed when this returns."""
        start = self.view.position(self.app.name)
        notifications = self.app.recorder.select_notifications(
            start=start, limit=batch_size, inclusive_of_start=False
        )
        if not notifications:
            return 0
        decoded = self._decode(notifications)
        events = [(n.id, event) for n, event in zip(notifications, decoded, strict=True)]
        try:
            self.view.process(self.app.name, start, events)
        except PositionMovedError:
            return None
        return len(events)

    def follow(self, recordings: Sequence[Recording[Any]]) -> int:
        """Apply events this process has just saved, as they were saved, when the view stands
        right before them: no reading them back from the log, and no opening their seals.
        Otherwise (another process saved in between) catch up from the log as usual."""
        if not recordings:
            return 0
        events = [(r.notification.id, r.domain_event) for r in recordings]
        with self._lock:
            try:
                self.view.process(self.app.name, events[0][0] - 1, events)
                return len(events)
            except PositionMovedError as moved:
                if moved.position is not None and moved.position >= events[-1][0]:
                    return 0  # another follower has applied them already
        return self.catch_up()

    def lag(self) -> int:
        """How many notifications the view is behind the log."""
        newest = self.app.recorder.max_notification_id() or 0
        return max(0, newest - self.view.position(self.app.name))

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Empty the view and replay the whole log into it."""
        with self._lock:
            self.view.reset(self.app.name)
        store: SqlStore | None = getattr(self.view, "store", None)
        with store.bulk() if store is not None else nullcontext():
            # Larger batches than a live catch-up: fewer reads of the log and fewer commits.
            return self._catch_up(progress, max(self.batch_size, REBUILD_BATCH))


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is read and applied: its events are many
    small objects, freed by reference counting as the batch ends, yet the collector would scan
    them (and everything older) many times over, a fifth of a rebuild's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decoder(
    mapper: Mapper[Any], personal_events: frozenset[type[Any]] | None
) -> Callable[[Sequence[Notification]], list[Any]]:
    """How the follower turns a batch of notifications into events: opened by the
    application's mapper, or, for a view that names the events whose personal values it reads,
    only those opened and the others decoded as stored (their sealed values left unread, and no
    key looked up). A mapper that opens many events at once reads their keys together."""
    many = getattr(mapper, "to_domain_events", None)
    if many is not None:
        return lambda notifications: many(notifications, personal_events)
    if personal_events is None:
        return lambda notifications: [mapper.to_domain_event(n) for n in notifications]

    def decode(notification: Notification) -> Any:
        if resolve_topic(notification.topic) in personal_events:
            return mapper.to_domain_event(notification)
        return Mapper.to_domain_event(mapper, notification)

    return lambda notifications: [decode(n) for n in notifications]
