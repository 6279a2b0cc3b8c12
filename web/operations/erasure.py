"""Erasure by crypto-shredding, wired to the service's stores: the key store's place, the
refusal to start without it, and an erasure that also purges every other copy of the data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import Application

from duties.exceptions import DutiesNotFoundError, HouseholdNotFoundError
from store.errors import PurgeIncompleteError
from store.keystore import KeyStore
from store.shredding import forget_snapshots
from store.sqlstore import SQLiteStore, SqlStore
from web.config import ConfigurationError, Settings

if TYPE_CHECKING:
    from web.bootstrap import Services

RESTORE_HINT = "flask --app web keys restore FILE"


def build_key_store(settings: Settings, shared: SqlStore) -> KeyStore:
    """SQLite: a file of its own; PostgreSQL: tables of their own beside the read models."""
    previous = settings.previous_key_encryption_keys
    if settings.store == "postgres":
        return KeyStore(shared, settings.key_encryption_key, previous_keks=previous)
    # Durable: the event logs, in files of their own, hold data only these keys open.
    store = SQLiteStore(
        settings.sqlite_path("keys"),
        secure_delete=True,
        durable=True,
        purge_seconds=settings.purge_seconds,
    )
    return KeyStore(store, settings.key_encryption_key, previous_keks=previous)


def key_store_file_missing(settings: Settings) -> bool:
    return settings.store == "sqlite" and not Path(settings.sqlite_path("keys")).exists()


def require_key_store(apps: Sequence[Application[UUID]], keys: KeyStore, *, missing: bool) -> None:
    """Refuse to start when a log (the cases', the duties') holds events but the key store
    is missing or empty: every resident's data would read as lost."""
    if not any(_log_has_events(app) for app in apps):
        return
    if not missing:
        try:
            missing = keys.count() == 0
        except Exception:
            missing = True
    if missing:
        raise ConfigurationError(
            "the event log holds sealed personal data but the household key store is missing "
            f"or empty; restore it from its backup with `{RESTORE_HINT}`"
        )


def _log_has_events(app: Application[UUID]) -> bool:
    try:
        found = app.recorder.select_notifications(start=0, limit=1, inclusive_of_start=False)
    except Exception:
        # No event table yet (before init-db): there is nothing a lost key store could lose.
        return False
    return bool(found)


@dataclass(frozen=True)
class HouseholdErasure:
    """A household erased in both contexts: its cases, and its records with the duties."""

    household_id: UUID
    erased_at: datetime
    erased_by: str
    need_ids: list[UUID]
    record_ids: list[UUID]


def erase_household(
    services: Services,
    household_id: UUID,
    actor: str,
    progress: Callable[[str], Any] | None = None,
    *,
    finish: bool = False,
) -> HouseholdErasure:
    """Erase a household everywhere, in an order that is safe to run again after a crash:
    tombstone, mark each case, the household and its records, destroy the key (no process
    opens the household's data once that returns), then purge every other copy; the tombstone
    says done only when all are gone. A copy a reader holds past ERASURE_PURGE_SECONDS stays
    to purge: PurgeIncompleteError, and running it again (`finish`: only an erasure already
    begun) finishes it."""
    say = progress or (lambda _: None)
    begun = services.keys.tombstone(household_id) is not None
    if finish and not begun:
        raise HouseholdNotFoundError(f"household {household_id} was never erased: none to finish")
    if not begun and not household_known(services, household_id):
        raise HouseholdNotFoundError(f"no household {household_id}")
    # The first erasure's tombstone stays, with who asked for it and when.
    tombstone = services.keys.begin_erasure(household_id, actor, services.clock.now())
    actor = tombstone.erased_by
    unfinished: list[str] = []

    def purging(purge: Callable[[], object]) -> None:
        try:
            purge()
        except PurgeIncompleteError as error:
            unfinished.append(error.message)

    seconds = services.keys.store.purge_seconds
    record_ids = services.duties.erase_household(household_id, actor=actor)
    say(f"household and {len(record_ids)} record(s) marked; marking cases, destroying the key")
    try:
        need_ids = services.needs.erase_household(household_id, actor=actor).need_ids
    except PurgeIncompleteError as error:  # the key is gone; a copy of it is not, yet
        unfinished.append(error.message)
        need_ids = services.needs.list_household_needs(household_id)
        purging(lambda: forget_snapshots(services.needs, need_ids, seconds))
    purging(lambda: forget_snapshots(services.duties, [household_id, *record_ids], seconds))
    project_ids = services.projects.forget_household(household_id)  # its answers read erased
    say(f"{len(need_ids)} case(s) erased; purging remembered answers and the index")
    services.follower.catch_up()
    services.duties_follower.catch_up()  # the address index forgets the household's digest
    for need_id in need_ids:
        services.casework.described.forget(need_id)  # this process's plain copies of the cases
    purging(
        lambda: services.idempotency.forget_subjects(
            [*need_ids, household_id, *record_ids, *project_ids]
        )
    )
    purging(lambda: services.duties_view.store.compact(("duty_households",)))
    if unfinished:
        raise PurgeIncompleteError(
            f"household {household_id}: its key is destroyed, so no process opens its data any "
            f"more, but the erasure is not finished: {'; '.join(unfinished)}. When that reader "
            "is done, erase the household again, or run "
            f"`flask --app web erase-household {household_id} --finish`"
        )
    services.keys.finish_erasure(household_id)
    return HouseholdErasure(
        household_id, tombstone.erased_at, tombstone.erased_by, need_ids, record_ids
    )


def household_known(services: Services, household_id: UUID) -> bool:
    """Whether either context knows the household (or it was erased before)."""
    if services.keys.tombstone(household_id) is not None:
        return True
    try:
        services.duties.load_household(household_id)
        return True
    except DutiesNotFoundError:
        return bool(
            services.needs.list_household_needs(household_id)
            or services.projects.projects_of_household(household_id)
        )
