"""Operator commands for erasure and the key store: `flask --app web erase-household ID`,
`flask --app web keys backup FILE` and `flask --app web keys restore FILE`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import click
from eventsourcing.application import Application
from flask import current_app
from flask.cli import with_appcontext

from duties.application import Duties
from duties.domain import Household
from kernel.errors import DomainError
from needs.application import Needs
from needs.domain import Need
from store import key_maintenance
from store.keystore import ERASED, Tombstone
from web.bootstrap import services
from web.cli.keys import keys  # one `keys` group: rotation there, backup and restore here
from web.operations.erasure import build_key_store, erase_household
from web.stores import event_store_env, view_store


@click.command("erase-household")
@click.argument("household_id", type=click.UUID)
@click.option("--actor", default="operator", show_default=True, help="Who asked for it.")
@click.option(
    "--finish",
    is_flag=True,
    help="Finish an erasure begun before whose copies were not all purged yet.",
)
@with_appcontext
def erase_household_command(household_id: UUID, actor: str, finish: bool) -> None:
    """Destroy a household's key: its personal data reads [erased] everywhere, for good.
    Says "copies purged" only once no copy of the key is left in the key store's files."""
    try:
        erasure = erase_household(
            services(),
            household_id,
            actor,
            progress=lambda line: click.echo(f"  … {line}"),
            finish=finish,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"erased household {erasure.household_id}: {len(erasure.need_ids)} case(s), "
        f"{len(erasure.record_ids)} record(s), key destroyed, copies purged "
        f"(asked by {erasure.erased_by} at "
        f"{erasure.erased_at.isoformat(timespec='seconds')})"
    )


@keys.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(file: Path) -> None:
    """Write a consistent copy of the wrapped household keys and tombstones to FILE."""
    count = key_maintenance.backup(services().keys, file)
    click.echo(f"backed up {count} household key(s) to {file} (wrapped; keep it safe)")


@keys.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore(file: Path) -> None:
    """Load the key store from FILE; households erased since the backup stay erased."""
    settings = current_app.config["NEEDS_SETTINGS"]
    store = view_store(settings)
    key_store = build_key_store(settings, store)
    needs = Needs(event_store_env(settings, "needs", create_tables=False))
    duties = Duties(event_store_env(settings, "duties", create_tables=False))
    try:
        key_store.create_tables()
        erased = _erased_in_logs(needs, duties)
        click.echo(f"  … {len(erased)} household(s) erased in the event logs stay erased")
        count = key_maintenance.restore(key_store, file, erased)
    finally:
        needs.close()
        duties.close()
        if key_store.store is not store:
            key_store.store.close()
        store.close()
    click.echo(f"restored {count} household key(s) from {file}")


def _erased_in_logs(needs: Needs, duties: Duties) -> list[Tombstone]:
    """Every household the cases' or the duties' log says was erased, first erasure first."""
    erased: dict[UUID, Tombstone] = {}
    for app, event_class in (
        (needs, Need.PersonalDataErased),
        (duties, Household.PersonalDataErased),
    ):
        for event in _events_of(app, event_class):
            household_id = getattr(event, "household_id", event.originator_id)
            erased.setdefault(
                household_id, Tombstone(household_id, ERASED, event.timestamp, event.actor)
            )
    return list(erased.values())


def _events_of(app: Application[UUID], event_class: type) -> Iterator[Any]:
    topic = f"{event_class.__module__}:{event_class.__qualname__}"
    start = 0
    while True:
        batch = app.recorder.select_notifications(
            start=start, limit=1000, topics=[topic], inclusive_of_start=False
        )
        for notification in batch:
            yield app.mapper.to_domain_event(notification)
            start = notification.id
        if len(batch) < 1000:
            return
