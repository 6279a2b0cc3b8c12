"""Making sure deleted rows leave no copy in a SQLite file: the file rewritten (VACUUM), then its
write-ahead log checkpointed whole into it and truncated — which cannot complete while another
connection still reads from the log (another process, the follower), so it is retried for a
while and, if it never completes, reported (PurgeIncompleteError), never assumed."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from store.errors import PurgeIncompleteError

PURGE_SECONDS = 10.0  # how long a purge waits for the log's readers before it gives up
_ATTEMPT_MS = 200  # each checkpoint waits this long for readers to move on


def purge_file(conn: sqlite3.Connection, path: str, seconds: float = PURGE_SECONDS) -> None:
    """Rewrite the file without its deleted rows, and empty its write-ahead log into it."""
    conn.execute("VACUUM")
    purge_log(conn, path, seconds)


def purge_log(conn: sqlite3.Connection, path: str, seconds: float = PURGE_SECONDS) -> None:
    """Checkpoint every frame of the log into the file and truncate the log, retried while a
    reader holds it back, for up to `seconds`; PurgeIncompleteError if it never completes."""
    deadline = time.monotonic() + seconds
    (waits,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute(f"PRAGMA busy_timeout={_ATTEMPT_MS}")
    try:
        while True:
            # (busy, frames in the log, frames moved into the file): done when not held back
            # and every frame moved; TRUNCATE then empties the log file.
            busy, logged, moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy == 0 and logged == moved:
                return
            if time.monotonic() >= deadline:
                raise PurgeIncompleteError(
                    f"{Path(path).name}-wal still holds {logged - max(moved, 0)} of its "
                    f"{logged} frames: another connection kept reading from it for "
                    f"{seconds:g} s, so what was deleted may still be there"
                )
            time.sleep(0.05)
    finally:
        conn.execute(f"PRAGMA busy_timeout={int(waits)}")
