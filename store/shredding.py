"""Deleting a case's snapshots so that no copy of its personal data survives in the event
store's free pages, write-ahead log or dead rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.sqlite import SQLiteDatastore


def forget_snapshots(app: Application[UUID], need_ids: Sequence[UUID]) -> None:
    """Delete the cases' snapshots and compact the snapshot table; the events stay."""
    if app.snapshots is None or not need_ids:
        return
    recorder: Any = app.snapshots.recorder
    datastore = getattr(recorder, "datastore", None)
    if datastore is None:
        return  # an in-memory store: nothing on disk, gone with the process
    if isinstance(datastore, SQLiteDatastore):
        _forget_in_sqlite(datastore.pool.db_name, recorder.events_table_name, need_ids)
    else:
        _forget_in_postgres(datastore, recorder.events_table_name, need_ids)


def _forget_in_sqlite(path: str, table: str, need_ids: Sequence[UUID]) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA secure_delete=ON")
        conn.executemany(
            f"DELETE FROM {table} WHERE originator_id=?",  # noqa: S608 - the library's table
            [(need_id.hex,) for need_id in need_ids],
        )
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _forget_in_postgres(datastore: Any, table: str, need_ids: Sequence[UUID]) -> None:
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE originator_id = ANY(%s)",  # noqa: S608
            (list(need_ids),),
        )
    with datastore.get_connection() as conn:
        conn.commit()
        conn.autocommit = True
        try:
            conn.execute(f"VACUUM FULL {table}")
        finally:
            conn.autocommit = False
