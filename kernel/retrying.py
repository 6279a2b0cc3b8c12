"""One command on one aggregate, retried on a clash: the aggregate is loaded afresh and the
whole command runs again; the failed copy is dropped, never re-saved."""

from __future__ import annotations

import itertools
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError

log = logging.getLogger(__name__)
A = TypeVar("A")
T = TypeVar("T")
ATTEMPTS = 12
# Commands that commute are retried on a clash, with a short jittered pause between tries.
MAX_PAUSE = 0.2
# A clash means another command landed: a commuting command keeps trying for this long (a
# leader's note is not refused because a busy case kept others writing), however many tries.
PATIENCE = 5.0


def retry_on_clash(
    load: Callable[[], A],
    command: Callable[[A], T],
    save: Callable[[A], object],
    *,
    commutes: bool,
    clash: Callable[[], Exception],
    overtaken: Callable[[], Exception] | None = None,
    attempts: int = ATTEMPTS,
    patience: float = PATIENCE,
) -> T:
    """Load, run the command and save; a clash is retried while the command commutes (at least
    `attempts` tries, and for `patience` seconds), else it raises `clash()` — or `overtaken()`,
    when the caller pinned the version that was overtaken."""
    started = time.monotonic()
    for attempt in itertools.count():
        aggregate = load()
        result = command(aggregate)
        try:
            save(aggregate)
        except IntegrityError:
            if overtaken is not None:
                raise overtaken() from None
            trying = attempt < attempts - 1 or time.monotonic() - started < patience
            if commutes and trying:
                log.debug(
                    "a clash on try %d of %d: run again on a fresh copy", attempt + 1, attempts
                )
                time.sleep(random.uniform(0, min(MAX_PAUSE, 0.002 * 2 ** min(attempt, 8))))  # noqa: S311
                continue
            raise clash() from None
        return result
    raise AssertionError("unreachable")  # pragma: no cover
