"""The Celery tasks: thin wrappers that read the moment to act at and call the work.

Each takes an optional `now` (ISO 8601 with offset) so tests inject time without sleeping; in
service beat sends none and the real clock is used."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from celery import shared_task

from web.bootstrap import services
from web.partitions import partition_kwargs
from web.tasks.timing import acting_at, parse_moment


@shared_task(name="needs.dispatch_deliveries", bind=True)
def dispatch_deliveries(self: Any, now: str | None = None) -> int:
    """Follow the log into the outbox, then send a delivery task for each notice due."""
    from web.tasks import notifier

    moment = parse_moment(now)
    with acting_at(moment):
        running = services()
        claimed = notifier().dispatch_due(
            moment or running.clock.now(),
            send=lambda delivery_id: self.app.send_task(
                "needs.deliver", args=[str(delivery_id)], kwargs={"now": now, **partition_kwargs()}
            ),
        )
    return len(claimed)


@shared_task(name="needs.deliver")
def deliver(delivery_id: str, now: str | None = None) -> str:
    """One attempt at one delivery; a delivered or settled one is left alone."""
    from web.tasks import notifier

    moment = parse_moment(now)
    with acting_at(moment):
        return notifier().deliver(UUID(delivery_id), moment or services().clock.now())


@shared_task(name="needs.check_referral_clocks")
def check_referral_clocks(now: str | None = None) -> dict[str, int]:
    """Expire the referrals past their deadline and move their cases on."""
    from web.tasks.referral_clock import check_referral_clocks as check

    moment = parse_moment(now)
    with acting_at(moment):
        running = services()
        return check(running, moment or running.clock.now())


@shared_task(name="needs.send_digests")
def send_digests(now: str | None = None) -> int:
    """Owe the day's digest to the secretary's and the blocks' channels, and mail each block
    leader theirs when SMTP is configured; how many digests went out or are owed."""
    from web.tasks import notifier, task_settings
    from web.tasks.digest import send_digests as send

    settings = task_settings()
    moment = parse_moment(now)
    with acting_at(moment):
        running = services()
        at = moment or running.clock.now()
        told = notifier().team.send_digests(at)
        mailer = notifier().mailer
        if mailer is not None and settings.digest_recipients:
            told += send(running, mailer, settings.digest_recipients, at)
        return told


@shared_task(name="needs.seal_log")
def seal_log(now: str | None = None) -> int | None:
    """Seal the day's events into the chain over the whole log (tamper evidence)."""
    moment = parse_moment(now)
    with acting_at(moment):
        running = services()
        row = running.seals.seal(running.needs, moment or running.clock.now())
    return None if row is None else int(row["seal_no"])
