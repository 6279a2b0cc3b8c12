"""Rotating CIPHER_KEY: everything stored under an old key is re-encrypted under the current
one, in place and in batches. Each row is either under an old key or the new one, and the
service reads both (CIPHER_KEYS_PREVIOUS), so a rotation cut short is simply run again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from duties.domain import Household
from store import key_maintenance
from store.cipher import RotatingCipher, rotating_cipher
from store.pgstore import table_of

if TYPE_CHECKING:
    from web.bootstrap import Services

BATCH = 500


class RotationError(RuntimeError):
    """The configuration does not allow a rotation."""


@dataclass
class Rotation:
    """What a re-keyer is given: the services, the keys, and where to report progress."""

    services: Services
    cipher: RotatingCipher
    current_key: str
    previous_keys: tuple[str, ...]
    progress: Callable[[str], None]
    batch: int = BATCH
    counts: dict[str, int] = field(default_factory=dict)


# Anything else encrypted with (a key derived from) CIPHER_KEY registers here; each is called
# once per rotation, after the event stores, and must itself be safe to run again.
Rekeyer = Callable[[Rotation], None]
REKEYERS: list[Rekeyer] = []


def rotate_cipher(
    services: Any, progress: Callable[[str], None], batch: int = BATCH
) -> dict[str, int]:
    """Re-encrypt every stored event, snapshot and remembered answer under the current key,
    seal the channels' secrets again under it and move the household digests to it; returns
    {what: rows changed}."""
    settings = services.settings
    if not settings.cipher_key:
        raise RotationError("CIPHER_KEY is not set: there is nothing to rotate to")
    rotation = Rotation(
        services,
        rotating_cipher(settings.cipher_key, settings.cipher_keys_previous),
        settings.cipher_key,
        settings.cipher_keys_previous,
        progress,
        batch,
    )
    apps = (
        services.needs,
        services.partners,
        services.accounts,
        services.duties,
        services.projects,
    )
    for app in apps:
        for kind, recorder in _recorders(app):
            label = f"{app.name.lower()} {kind}"
            rotation.counts[label] = _reencrypt_events(rotation, recorder, label)
    rotation.counts["idempotency answers"] = _reencrypt_answers(rotation)
    rotation.counts["household digests"] = _move_digests(rotation)
    rotation.counts["household keys"] = key_maintenance.rewrap_to_current(services.keys)
    rotation.counts["channels"] = services.channels.reseal(batch)
    progress(f"channels: {rotation.counts['channels']} sealed again")
    for rekeyer in REKEYERS:
        rekeyer(rotation)
    return rotation.counts


def _recorders(app: Application[Any]) -> list[tuple[str, Any]]:
    recorders: list[tuple[str, Any]] = [("events", app.recorder)]
    if app.snapshots is not None:
        recorders.append(("snapshots", app.snapshots.recorder))
    return recorders


def _reencrypt_events(rotation: Rotation, recorder: Any, label: str) -> int:
    """Walk the table in key order, a batch per transaction, rewriting rows under old keys."""
    table = table_of(recorder)
    p = "?" if type(recorder).__module__.endswith("sqlite") else "%s"
    select = (
        f"SELECT originator_id, originator_version, state FROM {table} "  # noqa: S608
        f"WHERE originator_id > {p} OR (originator_id = {p} AND originator_version > {p}) "
        f"ORDER BY originator_id, originator_version LIMIT {p}"
    )
    update = (
        f"UPDATE {table} SET state = {p} "  # noqa: S608
        f"WHERE originator_id = {p} AND originator_version = {p}"
    )
    after: tuple[Any, int] | None = None
    seen = changed = 0
    while True:
        with recorder.datastore.transaction(commit=True) as cursor:
            if after is None:
                cursor.execute(
                    f"SELECT originator_id, originator_version, state FROM {table} "  # noqa: S608
                    f"ORDER BY originator_id, originator_version LIMIT {p}",
                    (rotation.batch,),
                )
            else:
                cursor.execute(select, (after[0], after[0], after[1], rotation.batch))
            rows = cursor.fetchall()
            for row in rows:
                fresh = rotation.cipher.reencrypt(bytes(row["state"]))
                if fresh is not None:
                    cursor.execute(update, (fresh, row["originator_id"], row["originator_version"]))
                    changed += 1
        seen += len(rows)
        if rows:
            after = (rows[-1]["originator_id"], rows[-1]["originator_version"])
            rotation.progress(f"{label}: {seen} rows, {changed} re-encrypted")
        if len(rows) < rotation.batch:
            return changed


def _reencrypt_answers(rotation: Rotation) -> int:
    """The idempotency store's remembered bodies (an answer may hold personal data)."""
    store = rotation.services.idempotency.store
    after = ("", "")
    changed = 0
    while True:
        with store.write() as sql:
            rows = sql.execute(
                "SELECT username, key, body FROM idempotency_keys WHERE body IS NOT NULL AND "
                "(username > %(u)s OR (username = %(u)s AND key > %(k)s)) "
                "ORDER BY username, key LIMIT %(n)s",
                {"u": after[0], "k": after[1], "n": rotation.batch},
            ).fetchall()
            for row in rows:
                fresh = rotation.cipher.reencrypt(bytes(row["body"]))
                if fresh is not None:
                    sql.execute(
                        "UPDATE idempotency_keys SET body=%(b)s WHERE username=%(u)s AND key=%(k)s",
                        {"b": fresh, "u": row["username"], "k": row["key"]},
                    )
                    changed += 1
        if rows:
            after = (rows[-1]["username"], rows[-1]["key"])
            rotation.progress(f"idempotency answers: {changed} re-encrypted")
        if len(rows) < rotation.batch:
            return changed


def _move_digests(rotation: Rotation) -> int:
    """Households are found by an address digest keyed from CIPHER_KEY (the duties' address
    index): move each digest made under a previous key to the current one, reading the
    addresses from the households' registrations in the log."""
    running = rotation.services
    duties = running.duties
    if not running.duties_view.previous_address_keys:
        return 0
    topic = get_topic(Household.HouseholdRegistered)
    start, moved = 0, 0  # the notification id read up to; the digests moved
    while True:
        notifications = duties.recorder.select_notifications(
            start=start, limit=rotation.batch, topics=[topic], inclusive_of_start=False
        )
        events: list[Any] = [duties.mapper.to_domain_event(n) for n in notifications]
        moved += running.duties_view.move_digests(
            (e.originator_id, e.community, e.block, e.building, e.unit, e.room) for e in events
        )
        if notifications:
            start = notifications[-1].id
            rotation.progress(f"household digests: {moved} moved")
        if len(notifications) < rotation.batch:
            return moved
