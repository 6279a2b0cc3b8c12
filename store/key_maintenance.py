"""Keeping the household key store: a backup and its restore (which never brings an erased
household back), and re-wrapping the keys when CIPHER_KEY is rotated."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from store.keystore import KEY_TABLE, NEXT_GENERATION, KeyStore, Tombstone, unwrap, wrap
from store.private import write_private


def backup(keys: KeyStore, path: Path) -> int:
    """Write a consistent copy of the wrapped keys and tombstones; how many keys."""
    with keys.store.read() as sql:
        data = {
            table: sql.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
            for table in (KEY_TABLE, "erased_households")
        }
    write_private(path, json.dumps(data, indent=1).encode())  # mode 600 before a byte goes in
    return len(data[KEY_TABLE])


def restore(keys: KeyStore, path: Path, erased: list[Tombstone]) -> int:
    """Load a backup, then tombstone again the households the log says were erased and
    destroy their keys, so an old backup cannot bring erased data back; how many keys. The key
    of a household tombstoned in the backup or erased in the log is never written at all."""
    data = json.loads(path.read_text(encoding="utf-8"))
    gone = {row["household_id"] for row in data["erased_households"]}
    gone |= {str(t.household_id) for t in erased}
    with keys.store.write() as sql:
        for table, columns in (
            (KEY_TABLE, ("household_id", "wrapped", "created_at")),
            ("erased_households", ("household_id", "state", "erased_at", "erased_by")),
        ):
            names = ", ".join(columns)
            values = ", ".join(f"%({c})s" for c in columns)
            for row in data[table]:
                if table == KEY_TABLE and row["household_id"] in gone:
                    continue
                sql.execute(
                    f"INSERT INTO {table} ({names}) VALUES ({values}) "  # noqa: S608
                    f"ON CONFLICT ({columns[0]}) DO NOTHING",
                    {c: row[c] for c in columns},
                )
        for household_id in gone:  # a key the store held already
            sql.execute("DELETE FROM household_keys WHERE household_id=%(h)s", {"h": household_id})
        sql.execute(NEXT_GENERATION)  # every process drops the keys it holds
    for tombstone in erased:
        keys.begin_erasure(tombstone.household_id, tombstone.erased_by, tombstone.erased_at)
    keys.forget_cached()
    keys.store.compact((KEY_TABLE,))
    for tombstone in erased:
        keys.finish_erasure(tombstone.household_id)
    with keys.store.read() as sql:
        row = sql.execute("SELECT COUNT(*) AS n FROM household_keys").fetchone()
    return int(row["n"]) if row else 0


def rewrap_to_current(keys: KeyStore) -> int:
    """Re-wrap under the current key-encryption key every key still wrapped under a
    previous one (a CIPHER_KEY rotation); how many moved. Safe to run again."""
    moved = 0
    with keys.store.write() as sql:
        rows = sql.execute("SELECT household_id, wrapped FROM household_keys").fetchall()
        for row in rows:
            household_id = UUID(row["household_id"])
            key, current = keys.unwrap_any(household_id, row["wrapped"])
            if not current:
                sql.execute(
                    "UPDATE household_keys SET wrapped=%(w)s WHERE household_id=%(h)s",
                    {"w": wrap(keys.kek, household_id, key), "h": row["household_id"]},
                )
                moved += 1
    if moved:
        keys.store.compact((KEY_TABLE,))
    return moved


def rewrap(keys: KeyStore, old_kek: bytes, new_kek: bytes) -> int:
    """Re-wrap every household key under a new key-encryption key (CIPHER_KEY rotation)."""
    with keys.store.write() as sql:
        rows = sql.execute("SELECT household_id, wrapped FROM household_keys").fetchall()
        for row in rows:
            household_id = UUID(row["household_id"])
            key = unwrap(old_kek, household_id, row["wrapped"])
            sql.execute(
                "UPDATE household_keys SET wrapped=%(w)s WHERE household_id=%(h)s",
                {"w": wrap(new_kek, household_id, key), "h": row["household_id"]},
            )
    keys.kek = new_kek
    keys.store.compact((KEY_TABLE,))
    keys.forget_cached()
    return len(rows)
