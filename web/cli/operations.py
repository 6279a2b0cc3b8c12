"""The store's and the service's operator commands: init-db, seed-demo, catch-up, rebuild-views,
replay, list-needs, follow and worker-status."""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime
from uuid import UUID

import click
from flask import current_app
from flask.cli import with_appcontext

from kernel.clock import SHANGHAI
from needs.exceptions import NeedNotFoundError
from web.account_services import refuse_demo_passwords
from web.bootstrap import Services, build_services, services
from web.config import ConfigurationError
from web.operations.adoption import adopt_case_households
from web.partitions import (
    create_partition,
    every_partition,
    left_behind,
    partition_kwargs,
    partition_settings,
    partitions_to_work,
    working_in,
)

log = logging.getLogger(__name__)
# Looks the follower adds to SQLite's who-looked index by case a pass (a second by default):
# more than a community's lists a second, few enough that a list never waits on it for long.
FOLLOWER_LOOKS = 50


def _local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "-"


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the event store's and the read models' tables, and register with the duties the
    households only the cases know (run once per deploy); every partition's, in its schema."""
    settings = current_app.config["NEEDS_SETTINGS"]
    built = build_services(settings, create_tables=True)
    try:
        if settings.env == "production":
            refuse_demo_passwords(built.accounts)
        _adopt_case_households(built)
        behind = left_behind(built)
        if behind:
            raise ConfigurationError(
                "COMMUNITY_PARTITIONS names communities whose records are in the default "
                "partition, where a partition of their own would hide them (moving them is not "
                f"written yet): {', '.join(behind)}; leave them out of COMMUNITY_PARTITIONS"
            )
        for partition in every_partition(settings)[1:]:
            _init_partition(built, partition)
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None
    finally:
        built.close()
    click.echo(f"tables ready on {settings.store}")


def _init_partition(default: Services, partition: str) -> None:
    settings = partition_settings(default.settings, partition)
    create_partition(settings)
    built = build_services(
        settings, create_tables=True, accounts=(default.accounts, default.authenticator)
    )
    try:
        _adopt_case_households(built)
    finally:
        built.close()
    click.echo(f"partition {partition}: tables ready")


def _adopt_case_households(built: Services) -> None:
    adoption = adopt_case_households(built)
    if adoption.adopted:
        click.echo(f"households: {adoption.adopted} known only to the cases registered")
    for household_id, why in adoption.refused.items():
        click.echo(f"household {household_id} not registered yet: {why}", err=True)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo community: its partners and about 60 needs (idempotent)."""
    from accounts.demo import DEFAULT_DEMO_PASSWORD
    from web.demo import DemoCommunityMissingError, seed
    from web.demo.accounts import create_demo_users

    settings = current_app.config["NEEDS_SETTINGS"]
    if settings.env == "production":
        raise click.ClickException("seed-demo never runs in production")
    try:
        summary = seed(settings, echo=click.echo)
    except DemoCommunityMissingError as error:
        raise click.ClickException(str(error)) from None
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    created = create_demo_users(services(), password)
    if created:
        click.echo(
            f"demo users ({len(created)}), all with the password {password!r}: "
            + ", ".join(created)
        )
    else:
        click.echo("demo users: already there")
    click.echo(summary)


@click.command("catch-up")
@with_appcontext
def catch_up() -> None:
    """Bring every read model (of every partition) up to date with the event log."""
    for partition in partitions_to_work(current_app.config["NEEDS_SETTINGS"]):
        with working_in(partition):
            running = services()
            started = time.perf_counter()
            applied = running.follower.catch_up(
                progress=lambda n: click.echo(f"  … {n} events", err=True)
            )
            applied += running.duties_follower.catch_up()
            click.echo(
                f"{_in(partition)}caught up: {applied} events applied in "
                f"{time.perf_counter() - started:.1f} s, lag {running.follower.lag()}"
            )


@click.command("rebuild-views")
@with_appcontext
def rebuild_views() -> None:
    """Empty the read models and rebuild them from the whole event log (in every partition)."""
    for partition in partitions_to_work(current_app.config["NEEDS_SETTINGS"]):
        with working_in(partition):
            running = services()
            started = time.perf_counter()
            applied = running.follower.rebuild(
                progress=lambda n: click.echo(f"  … {n} events", err=True)
            )
            applied += running.duties_follower.rebuild()
            seconds = time.perf_counter() - started
            rate = applied / seconds if seconds else 0.0
            click.echo(
                f"{_in(partition)}rebuilt read models from {applied} events in {seconds:.1f} s "
                f"({rate:,.0f} events/s)"
            )


def _in(partition: str) -> str:
    return f"partition {partition}: " if partition else ""


@click.command("replay")
@click.argument("need_id", type=click.UUID)
@with_appcontext
def replay(need_id: UUID) -> None:
    """Print a case's timeline, one event a line, oldest first."""
    try:
        history = services().needs.get_history(need_id)
    except NeedNotFoundError as error:
        raise click.ClickException(str(error)) from None
    for event in history:
        data = " ".join(f"{k}={v}" for k, v in event["data"].items() if v not in ("", None))
        click.echo(
            f"v{event['version']:<3} {_local(event['occurred_at'])} "
            f"(recorded {_local(event['recorded_at'])}) {event['actor']:<12} "
            f"{event['type']} {data}".rstrip()
        )
    click.echo(f"{len(history)} events")


@click.command("list-needs")
@click.option("--block", "blocks", multiple=True, help="Only these blocks (repeatable).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["open", "in_progress", "resolved"]),
    help="Only these statuses.",
)
@with_appcontext
def list_needs(blocks: tuple[str, ...], statuses: tuple[str, ...]) -> None:
    """List needs: id, block, category, urgency, status — most urgent, then oldest first
    (every community's, each from its partition)."""
    settings = current_app.config["NEEDS_SETTINGS"]
    total = 0
    for community in settings.communities:
        partition = settings.partitions.get(community.id, "")
        if partition not in partitions_to_work(settings):
            continue
        with working_in(partition):
            rows, count = services().view.list_needs(
                community.id, blocks=blocks or None, statuses=statuses or None, limit=100_000
            )
        total += count
        for row in rows:
            click.echo(
                f"{row['need_id']}  {row['block']:<3} {row['category']:<15} "
                f"{row['urgency']:<8} {row['status']:<12} {_local(row['logged_at'])}"
            )
    click.echo(f"{total} needs")


@click.command("follow")
@click.option("--every", default=1.0, show_default=True, help="Seconds between looks at the log.")
@click.option("--once", is_flag=True, help="Catch up once and stop.")
@with_appcontext
def follow(every: float, once: bool) -> None:
    """Keep the read models and the outbox up to date with the log (the Procfile's `follower`),
    and hand new notices to the workers at once rather than at beat's next tick."""
    from web.tasks import notifier, task_settings

    partitions = partitions_to_work(current_app.config["NEEDS_SETTINGS"])
    celery_app = current_app.extensions["celery"]
    task_settings().make_folders()
    while True:
        try:
            for partition in partitions:
                with working_in(partition):
                    running = services()
                    running.follower.catch_up()
                    running.duties_follower.catch_up()
                    # Who looked: SQLite's index by case, a share a pass (the rest when asked).
                    running.access_log.catch_up(most=FOLLOWER_LOOKS)
                    if running.outbox_follower.catch_up():
                        notifier().dispatch_due(
                            running.clock.now(),
                            send=lambda d: celery_app.send_task(
                                "needs.deliver", args=[str(d)], kwargs=partition_kwargs()
                            ),
                        )
        except Exception:
            if once:
                raise
            log.exception("following the log failed; trying again in %s s", every)
        if once:
            return
        time.sleep(every)


@click.command("worker-status")
@with_appcontext
def worker_status() -> None:
    """The broker, how far each follower of the log lags, and the deliveries to partners."""
    from web.tasks import task_settings

    click.echo(f"broker: {task_settings().broker_shown()} ({_broker_state()})")
    for partition in partitions_to_work(current_app.config["NEEDS_SETTINGS"]):
        with working_in(partition):
            _worker_status(services(), partition)


def _worker_status(running: Services, partition: str) -> None:
    click.echo(f"{_in(partition)}followers (events behind the log):")
    for name, follower in running.followers().items():
        click.echo(f"  {name:<12} {follower.lag()}")
    counts = running.outbox.counts()
    summary = ", ".join(f"{status} {n}" for status, n in counts.items()) or "none yet"
    click.echo(f"deliveries: {summary}")
    failed = running.outbox.list_deliveries(status="failed", limit=20)
    if failed:
        click.echo("failed deliveries (the newest first):")
    for d in failed:
        click.echo(
            f"  {d.delivery_id} {d.event} referral {d.referral_id} after {d.attempts} "
            f"attempts: {d.last_error or '-'}"
        )
    messages = running.channel_outbox.counts()
    summary = ", ".join(f"{status} {n}" for status, n in messages.items()) or "none yet"
    click.echo(f"messages to robots and SMS: {summary}")
    for channel_id, kind, error in running.channel_outbox.failing_channels():
        click.secho(
            f"  channel {channel_id} ({kind}): its last 5 attempts failed: {error}", fg="red"
        )


def _broker_state() -> str:
    celery_app = current_app.extensions["celery"]
    with celery_app.connection_for_read() as connection:
        try:
            connection.ensure_connection(max_retries=1, timeout=3)
        except Exception as error:  # any failure means the broker cannot be used now
            return f"unreachable: {type(error).__name__}: {error}"
        try:
            queued = connection.default_channel.queue_declare(
                queue=celery_app.conf.task_default_queue, passive=True
            ).message_count
        except Exception:  # a queue nobody has sent to yet does not exist
            queued = 0
    return f"reachable, {queued} tasks queued"
