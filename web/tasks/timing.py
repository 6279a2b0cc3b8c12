"""The worker's clock: the real time, unless a task was given the moment it is to act at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from kernel.clock import Clock, SystemClock

_moment: ContextVar[datetime | None] = ContextVar("task_moment", default=None)


class TaskClock:
    """A clock a task may set for its own duration (`at`), so tests inject time without
    sleeping; everywhere else, and in service, it tells the time of the clock it wraps."""

    def __init__(self, base: Clock | None = None) -> None:
        self.base = base or SystemClock()

    def now(self) -> datetime:
        return _moment.get() or self.base.now()


@contextmanager
def acting_at(moment: datetime | None) -> Iterator[None]:
    """Within the block, every TaskClock tells `moment` (or its own time when None)."""
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)


def parse_moment(now: str | None) -> datetime | None:
    """A task's optional `now` argument: an ISO 8601 time with its offset."""
    if now is None:
        return None
    moment = datetime.fromisoformat(now)
    if moment.tzinfo is None:
        raise ValueError(f"now must carry its offset, e.g. 2026-11-30T09:00:00+08:00; got {now!r}")
    return moment
