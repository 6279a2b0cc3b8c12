"""The SQL store keeps one SQLite connection a thread, and lets it go with its thread: a server
that starts a thread for each request (as the development server does) must not keep three open
files for every request it ever served."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from store.sqlstore import SQLiteStore


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_thread_s_connection_is_closed_when_the_thread_ends(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "views.sqlite"))
    store.run_ddl("CREATE TABLE IF NOT EXISTS seen (n INTEGER)")

    def request(n: int) -> None:
        with store.write() as sql:
            sql.execute("INSERT INTO seen (n) VALUES (%(n)s)", {"n": n})

    request(0)  # this thread's connection, kept while the thread lives
    before = open_files()
    for n in range(1, 301):
        thread = threading.Thread(target=request, args=(n,))
        thread.start()
        thread.join()
    assert open_files() <= before + 3  # not 900 more
    with store.read() as sql:
        assert sql.execute("SELECT COUNT(*) AS n FROM seen").fetchone()["n"] == 301
    store.close()
    assert open_files() < before
