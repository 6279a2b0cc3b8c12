"""The household key store, kept apart from the event log: one random key per household,
written only wrapped under the key-encryption key, and the tombstones of erased households.
Destroying a key erases that household's personal data. Which household a case belongs to is
in the case's first event, so logging a need writes here only for a household's first need."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from store.errors import HouseholdErasedError, KeyStoreError
from store.key_cache import TRUSTED_SECONDS, KeyCache
from store.sqlstore import SqlStore

KEY_TABLE = "household_keys"
_TABLES = """
CREATE TABLE IF NOT EXISTS household_keys (
    household_id TEXT PRIMARY KEY, wrapped TEXT NOT NULL, created_at TEXT NOT NULL){rowid};
CREATE TABLE IF NOT EXISTS erased_households (
    household_id TEXT PRIMARY KEY, state TEXT NOT NULL, erased_at TEXT NOT NULL,
    erased_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS erasure_generation (id INTEGER PRIMARY KEY, generation BIGINT NOT NULL);
INSERT INTO erasure_generation (id, generation) VALUES (1, 0) ON CONFLICT (id) DO NOTHING
"""
# Every erasure moves the generation, in the transaction that tombstones or destroys a key, so
# that every process drops the keys it holds (store/key_cache.py).
NEXT_GENERATION = (
    "INSERT INTO erasure_generation (id, generation) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET generation = erasure_generation.generation + 1"
)
_KEY_OR_TOMBSTONE = (
    "SELECT (SELECT wrapped FROM household_keys WHERE household_id=%(h)s) AS wrapped, "
    "(SELECT state FROM erased_households WHERE household_id=%(h)s) AS state"
)
# A new household's key, unless it has one or was erased.
_CHUNK = 500  # households a statement
_HELD = "SELECT household_id, wrapped FROM household_keys WHERE household_id IN ({marks})"
_MAKE = (
    "INSERT INTO household_keys (household_id, wrapped, created_at) "
    "SELECT %(h)s, %(w)s, %(at)s WHERE NOT EXISTS "
    "(SELECT 1 FROM erased_households WHERE household_id=%(h)s) "
    "ON CONFLICT (household_id) DO NOTHING"
)
# PostgreSQL: the key made, or else the one there and the tombstone, in one statement. Its
# commit need not wait for the disk: the events sealed with the key commit after it in the same
# write-ahead log, and their commit, which waits, makes everything before it durable too.
_MAKE_OR_READ_PG = (
    "WITH made AS (INSERT INTO household_keys (household_id, wrapped, created_at) "
    "SELECT %(h)s, %(w)s, %(at)s "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_disk_wait "
    "WHERE NOT EXISTS (SELECT 1 FROM erased_households WHERE household_id=%(h)s) "
    "ON CONFLICT (household_id) DO NOTHING RETURNING 1) "
    "SELECT (SELECT COUNT(*) FROM made) AS made, "
    "(SELECT wrapped FROM household_keys WHERE household_id=%(h)s) AS wrapped, "
    "(SELECT state FROM erased_households WHERE household_id=%(h)s) AS state"
)
ERASING, ERASED = "erasing", "erased"
# Decrypted keys stay in memory at most this long, and only until an erasure anywhere moves the
# erasure generation (every process sees that within TRUSTED_SECONDS, and the erasure waits
# that long before it returns).
KEY_TTL_SECONDS = 30.0
# A household found not erased this recently is not asked about again: a request registers a
# new household with the duties and seals its need a moment later, with one look at the
# tombstones. No wider than the moment between any look and the commit that follows it.
CHECKED_SECONDS = 1.0
_KEYS_A_QUERY = 500  # households named in one read of many keys (SQLite caps its parameters)


@dataclass(frozen=True)
class Tombstone:
    """An erased household: when, by whom, and whether every copy is gone yet."""

    household_id: UUID
    state: str
    erased_at: datetime
    erased_by: str


def wrap(kek: bytes, household_id: UUID, key: bytes) -> str:
    """A household key encrypted under the key-encryption key, bound to its household."""
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(kek).encrypt(nonce, key, household_id.bytes)).decode()


def unwrap(kek: bytes, household_id: UUID, wrapped: str) -> bytes:
    raw = base64.b64decode(wrapped)
    try:
        return AESGCM(kek).decrypt(raw[:12], raw[12:], household_id.bytes)
    except Exception:
        raise KeyStoreError(
            f"the key of household {household_id} does not unwrap: wrong CIPHER_KEY?"
        ) from None


class KeyStore:
    """Household keys and tombstones in their own tables (their own SQLite file)."""

    def __init__(
        self,
        store: SqlStore,
        kek: bytes,
        *,
        previous_keks: Sequence[bytes] = (),
        ttl: float = KEY_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.kek = kek
        # Keys wrapped under a CIPHER_KEY being rotated away still open until re-wrapped.
        self.previous_keks = tuple(previous_keks)
        self.cache = KeyCache(
            self._read_generation, ttl=ttl, checked_for=CHECKED_SECONDS, monotonic=monotonic
        )

    def create_tables(self) -> None:
        # SQLite: keyed by the primary key alone, so making a key writes fewer pages.
        rowid = " WITHOUT ROWID" if self.store.dialect == "sqlite" else ""
        with self.store.write() as sql:
            for statement in _TABLES.format(rowid=rowid).split(";"):
                sql.execute(statement)
            if self.store.dialect == "postgres":  # ANALYZE samples no wrapped key into stats
                sql.execute("ALTER TABLE household_keys ALTER COLUMN wrapped SET STATISTICS 0")

    # --- keys --------------------------------------------------------------------------

    def key(self, household_id: UUID) -> bytes | None:
        """The household's key, or None once destroyed (or never made)."""
        generation = self.cache.generation()
        cached = self.cache.key(household_id, generation)
        if cached is not None:
            return cached
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT wrapped FROM household_keys WHERE household_id=%(h)s",
                {"h": str(household_id)},
            ).fetchone()
        return self._keep(household_id, row["wrapped"], generation) if row else None

    def keys_for(self, household_ids: Iterable[UUID]) -> dict[UUID, bytes]:
        """The live keys of these households, read together (a batch of events to open):
        a household whose key was destroyed (or never made) is absent."""
        generation = self.cache.generation()
        found: dict[UUID, bytes] = {}
        missing: list[UUID] = []
        for household_id in set(household_ids):
            cached = self.cache.key(household_id, generation)
            if cached is not None:
                found[household_id] = cached
            else:
                missing.append(household_id)
        for start in range(0, len(missing), _KEYS_A_QUERY):
            chunk = {str(h): h for h in missing[start : start + _KEYS_A_QUERY]}
            names = {f"h{i}": text for i, text in enumerate(chunk)}
            with self.store.read() as sql:
                rows = sql.execute(
                    "SELECT household_id, wrapped FROM household_keys "  # noqa: S608
                    f"WHERE household_id IN ({', '.join(f'%({n})s' for n in names)})",
                    names,
                ).rows()
            unwrapped = {}
            for row in rows:
                household_id = chunk[row["household_id"]]
                unwrapped[household_id] = self.unwrap_any(household_id, row["wrapped"])[0]
            self.cache.keep(unwrapped, generation)
            found.update(unwrapped)
        return found

    def key_for_new_case(self, household_id: UUID) -> bytes:
        """The household's key for a case logged now, made on the household's first case;
        HouseholdErasedError once the household was erased."""
        params = {"h": str(household_id)}
        generation = self.cache.generation()
        cached = self.cache.key(household_id, generation)
        if cached is not None and self.cache.checked(household_id, generation):
            return cached
        row: dict[str, Any] = {}
        if cached is None:
            key = AESGCM.generate_key(bit_length=256)
            params.update(w=wrap(self.kek, household_id, key), at=datetime.now(UTC).isoformat())
            # Statements committed on their own: on PostgreSQL one round trip in all.
            with self.store.statement() as sql:
                if self.store.dialect == "postgres":
                    row = sql.execute(_MAKE_OR_READ_PG, params).fetchone() or {}
                elif sql.execute(_MAKE, params).rowcount == 0:
                    row = sql.execute(_KEY_OR_TOMBSTONE, params).fetchone() or {}
                else:
                    row = {"made": 1}
            if row.get("made"):
                self.cache.not_erased(household_id, generation)
                self.cache.keep({household_id: key}, generation)
                return key
        else:
            with self.store.read() as sql:
                row = sql.execute(_KEY_OR_TOMBSTONE, params).fetchone() or {}
        if row.get("state") is not None:
            raise HouseholdErasedError(f"household {household_id} was erased")
        self.cache.not_erased(household_id, generation)
        if cached is not None:
            return cached
        return self._keep(household_id, row["wrapped"], generation)

    def make_keys(self, household_ids: Iterable[UUID]) -> None:
        """Make the keys of households registered together (a ledger's import) in one
        transaction, so sealing their first events finds them made; a household with a key,
        or erased, keeps what it has (its first event finds that as ever)."""
        generation = self.cache.generation()
        made: dict[UUID, bytes] = {}
        wanted: dict[str, tuple[UUID, bytes, str]] = {}  # id: (id, key, wrapped)
        for household_id in household_ids:
            if self.cache.key(household_id, generation) is None:
                key = AESGCM.generate_key(bit_length=256)
                wanted[str(household_id)] = (household_id, key, wrap(self.kek, household_id, key))
        at = datetime.now(UTC).isoformat()
        names = list(wanted)
        with self.store.write() as sql:
            # All the inserts in one exchange (a pipeline on PostgreSQL), then which were made:
            # a key there already, or a tombstone, keeps what the first event finds as ever.
            rows: list[Mapping[str, Any]] = [{"h": h, "w": wanted[h][2], "at": at} for h in names]
            if rows:
                sql.executemany(_MAKE, rows)
            for start in range(0, len(names), _CHUNK):
                chunk = {f"h{i}": h for i, h in enumerate(names[start : start + _CHUNK])}
                marks = ", ".join(f"%({n})s" for n in chunk)
                query = _HELD.format(marks=marks)
                for row in sql.execute(query, chunk).fetchall():
                    household_id, key, wrapped = wanted[str(row["household_id"])]
                    if row["wrapped"] == wrapped:
                        made[household_id] = key
        for household_id in made:
            self.cache.not_erased(household_id, generation)
        self.cache.keep(made, generation)

    def _keep(self, household_id: UUID, wrapped: str, generation: int) -> bytes:
        key = self.unwrap_any(household_id, wrapped)[0]
        self.cache.keep({household_id: key}, generation)
        return key

    def unwrap_any(self, household_id: UUID, wrapped: str) -> tuple[bytes, bool]:
        """The key, and whether it was wrapped under the current key-encryption key."""
        for kek in (self.kek, *self.previous_keks):
            try:
                return unwrap(kek, household_id, wrapped), kek == self.kek
            except KeyStoreError:
                continue
        raise KeyStoreError(
            f"the key of household {household_id} does not unwrap under CIPHER_KEY or "
            "CIPHER_KEYS_PREVIOUS"
        )

    def _read_generation(self) -> int:
        with self.store.read() as sql:
            row = sql.execute("SELECT generation FROM erasure_generation WHERE id = 1").fetchone()
        return int(row["generation"]) if row else 0

    def count(self) -> int:
        """How many keys and tombstones the store holds; 0 for a lost or never-used store."""
        with self.store.read() as sql:
            keys = sql.execute("SELECT COUNT(*) AS n FROM household_keys").fetchone()
            gone = sql.execute("SELECT COUNT(*) AS n FROM erased_households").fetchone()
        return int(keys["n"] if keys else 0) + int(gone["n"] if gone else 0)

    # --- erasure -----------------------------------------------------------------------

    def tombstone(self, household_id: UUID) -> Tombstone | None:
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT * FROM erased_households WHERE household_id=%(h)s",
                {"h": str(household_id)},
            ).fetchone()
        return _tombstone(row) if row else None

    def begin_erasure(self, household_id: UUID, actor: str, at: datetime) -> Tombstone:
        """Tombstone the household (once: a repeated erasure keeps the first); every process
        stops sealing new cases for it."""
        self.cache.forget(household_id)
        with self.store.write() as sql:
            sql.execute(
                "INSERT INTO erased_households (household_id, state, erased_at, erased_by) "
                "VALUES (%(h)s, %(s)s, %(at)s, %(by)s) ON CONFLICT (household_id) DO NOTHING",
                {"h": str(household_id), "s": ERASING, "at": at.isoformat(), "by": actor},
            )
            sql.execute(NEXT_GENERATION)
        tombstone = self.tombstone(household_id)
        assert tombstone is not None
        return tombstone

    def destroy_key(self, household_id: UUID) -> None:
        """Delete the wrapped key so that no copy survives in free pages, logs or caches.
        Returns once no process opens the household's values any more, even when a copy is
        left to purge (PurgeIncompleteError: run the erasure again later)."""
        self.cache.forget(household_id)
        with self.store.write() as sql:
            sql.execute(
                "DELETE FROM household_keys WHERE household_id=%(h)s", {"h": str(household_id)}
            )
            sql.execute(NEXT_GENERATION)
        every_process_knows = time.monotonic() + TRUSTED_SECONDS
        try:
            self.store.compact((KEY_TABLE,))
        finally:
            time.sleep(max(0.0, every_process_knows - time.monotonic()))

    def finish_erasure(self, household_id: UUID) -> None:
        """Mark the tombstone done: every copy of the key is gone."""
        with self.store.write() as sql:
            sql.execute(
                "UPDATE erased_households SET state=%(s)s WHERE household_id=%(h)s",
                {"s": ERASED, "h": str(household_id)},
            )

    def forget_cached(self) -> None:
        self.cache.clear()


def _tombstone(row: dict[str, Any]) -> Tombstone:
    return Tombstone(
        UUID(row["household_id"]),
        row["state"],
        datetime.fromisoformat(row["erased_at"]),
        row["erased_by"],
    )
