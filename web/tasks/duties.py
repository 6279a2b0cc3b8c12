"""The must-asks' clock: each watched member's ask falls due on its group's cadence. Beat sends
`duties.fall_due` every hour; a household whose asks fell due already is left alone, so the
task is safe to run twice, and in two workers at once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from celery import shared_task

from duties.exceptions import DutiesConcurrentUpdateError, DutiesNotFoundError
from web.bootstrap import services
from web.tasks.timing import acting_at, parse_moment

if TYPE_CHECKING:
    from web.bootstrap import Services

log = logging.getLogger(__name__)


def fall_due(services: Services, now: datetime) -> int:
    """Let every ask whose day has come by `now` fall due; returns how many did."""
    services.duties_follower.catch_up()
    fallen = 0
    for household_id in services.duties_view.watched_households():
        try:
            fallen += services.duties.fall_due(household_id, now)
        except (DutiesConcurrentUpdateError, DutiesNotFoundError) as refusal:
            log.info("household %s left for the next run: %s", household_id, refusal)
    return fallen


@shared_task(name="duties.fall_due")
def fall_due_task(now: str | None = None) -> int:
    """Let the watched groups' asks fall due."""
    moment = parse_moment(now)
    with acting_at(moment):
        running = services()
        return fall_due(running, moment or running.clock.now())
