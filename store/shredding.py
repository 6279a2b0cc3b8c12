"""Deleting a case's snapshots so that no copy of its personal data survives in the event
store's free pages, write-ahead log or dead rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.sqlite import SQLiteDatastore

from store.pgstore import table_of, vacuum_full
from store.private import tighten_sqlite
from store.purging import PURGE_SECONDS, purge_file


def forget_snapshots(
    app: Application[UUID], need_ids: Sequence[UUID], purge_seconds: float = PURGE_SECONDS
) -> None:
    """Delete the cases' snapshots and compact the snapshot table; the events stay.
    PurgeIncompleteError when a reader of the store's log keeps a copy past `purge_seconds`."""
    if app.snapshots is None or not need_ids:
        return
    recorder: Any = app.snapshots.recorder
    datastore = getattr(recorder, "datastore", None)
    if datastore is None:
        return  # an in-memory store: nothing on disk, gone with the process
    if isinstance(datastore, SQLiteDatastore):
        _forget_in_sqlite(
            datastore.pool.db_name, recorder.events_table_name, need_ids, purge_seconds
        )
        return
    table = table_of(recorder)
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE originator_id = ANY(%s)",  # noqa: S608
            (list(need_ids),),
        )
    vacuum_full(datastore, (table,), purge_seconds)


def _forget_in_sqlite(path: str, table: str, need_ids: Sequence[UUID], seconds: float) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        tighten_sqlite(path)
        conn.execute("PRAGMA secure_delete=ON")
        conn.executemany(
            f"DELETE FROM {table} WHERE originator_id=?",  # noqa: S608 - the library's table
            [(need_id.hex,) for need_id in need_ids],
        )
        purge_file(conn, path, seconds)
    finally:
        conn.close()
