"""A small SQL layer for read models: one statement text for SQLite and PostgreSQL,
and write transactions that are serialised, so a projection never applies an event twice."""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from store.private import private_sqlite, tighten_sqlite
from store.purging import PURGE_SECONDS, purge_file

_NAMED = re.compile(r"%\((\w+)\)s")
BULK_CACHE_KIB = 65_536  # SQLite's page cache for a rebuild: at most this much memory


@functools.lru_cache(maxsize=512)
def _sqlite_text(statement: str) -> str:
    """The statement with SQLite's `:name` parameters; a projection runs the same few often."""
    return _NAMED.sub(r":\1", statement)


class Sql:
    """A cursor that takes `%(name)s` parameters on both databases and returns dict rows."""

    def __init__(self, cursor: Any, dialect: str) -> None:
        self.cursor = cursor
        self.dialect = dialect

    def execute(self, statement: str, params: Mapping[str, Any] | None = None) -> Sql:
        if self.dialect == "sqlite":
            statement = _sqlite_text(statement)
        self.cursor.execute(statement, {} if params is None else params)
        return self

    def executemany(self, statement: str, rows: list[Mapping[str, Any]]) -> None:
        if self.dialect == "sqlite":
            statement = _sqlite_text(statement)
        self.cursor.executemany(statement, rows)

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.cursor.fetchall()]

    def rows(self) -> list[Any]:
        """The rows as the driver gives them, each read by column name: no copy, for many rows."""
        return list(self.cursor.fetchall())

    def fetchone(self) -> dict[str, Any] | None:
        row = self.cursor.fetchone()
        return None if row is None else dict(row)

    @property
    def rowcount(self) -> int:
        return int(self.cursor.rowcount)


class SqlStore(ABC):
    """Where read models live: a SQLite file or a PostgreSQL database."""

    dialect: str
    time_type: str  # a time column's type: what to_db_time writes, from_db_time reads
    purge_seconds: float = PURGE_SECONDS  # how long `compact` waits for readers of old copies

    def run_ddl(self, ddl: str) -> None:
        """Run `;`-separated statements that make tables, in one transaction; a `{time}` in
        them is this store's time column type."""
        with self.write() as sql:
            for statement in ddl.format(time=self.time_type).split(";"):
                sql.execute(statement)

    @abstractmethod
    @contextmanager
    def write(self) -> Iterator[Sql]:
        """A transaction that holds the write lock from its first statement."""

    @abstractmethod
    @contextmanager
    def read(self) -> Iterator[Sql]:
        """A read-only transaction."""

    @abstractmethod
    @contextmanager
    def statement(self) -> Iterator[Sql]:
        """A connection for one statement, which commits on its own: no BEGIN, no COMMIT."""

    @contextmanager
    def pipelined(self, *, derived: bool = False) -> Iterator[Sql]:
        """A write transaction whose statements may travel to the server together: reading a
        result waits for the statements before it, and `rowcount` is not to be read.
        `derived`: it writes only what the event log can rebuild, with the position it got
        to, so the store need not wait for the disk: a crash loses it whole, and it is
        written again from the log."""
        with self.write() as sql:
            yield sql

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Work that touches every row (a rebuild) may hold more of the store in memory."""
        yield

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def compact(self, tables: tuple[str, ...]) -> None:
        """Rewrite these tables so deleted rows leave no copy in free space or logs;
        PurgeIncompleteError when a reader keeps a copy alive past the store's patience."""

    def to_db_time(self, moment: datetime | None) -> Any:
        """Times go in as UTC; SQLite keeps them as fixed-width text that sorts in order."""
        if moment is None:
            return None
        if self.dialect == "sqlite":
            if moment.tzinfo is UTC:  # as events are read back: no conversion to make
                return moment.isoformat(timespec="microseconds")[:-6] + "Z"
            # isoformat pads the year to four digits and always writes the microseconds.
            utc = moment.astimezone(UTC).replace(tzinfo=None)
            return utc.isoformat(timespec="microseconds") + "Z"
        return moment

    def from_db_time(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        # The fixed-width text written above, "Z" and all; fromisoformat reads it in C.
        return datetime.fromisoformat(value)


class _Held:
    """One thread's connection; closed when the thread's local storage lets go of it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __del__(self) -> None:
        self.conn.close()


class SQLiteStore(SqlStore):
    """Read models in their own SQLite file, one connection per thread."""

    dialect = "sqlite"
    time_type = "TEXT"  # fixed-width ISO text, which sorts in order

    def __init__(
        self,
        path: str,
        *,
        secure_delete: bool = False,
        durable: bool = False,
        purge_seconds: float = PURGE_SECONDS,
    ) -> None:
        self.path = path
        self.secure_delete = secure_delete
        self.purge_seconds = purge_seconds
        # NORMAL: a commit survives a crash of the service, not always a power cut; FULL: the
        # disk has it before the commit returns (what another store's data depends on).
        self.synchronous = "FULL" if durable else "NORMAL"
        self._local = threading.local()
        # Each thread's connection, held only by that thread's local storage: when the thread
        # ends its connection is closed (a server that starts a thread per request would
        # otherwise keep a connection, and three open files, for every request it served).
        self._all: weakref.WeakSet[_Held] = weakref.WeakSet()
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            private_sqlite(self.path)  # mode 600, and its -wal and -shm with it
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            tighten_sqlite(self.path)
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            if self.secure_delete:
                conn.execute("PRAGMA secure_delete=ON")
            held = self._local.held = _Held(conn)
            with self._lock:
                self._all.add(held)
        return held.conn

    @contextmanager
    def write(self) -> Iterator[Sql]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield Sql(conn.cursor(), self.dialect)
        except sqlite3.IntegrityError as error:
            conn.execute("ROLLBACK")
            # The same error class as PostgreSQL's, so callers handle one.
            raise IntegrityError(str(error)) from error
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Sql]:
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield Sql(conn.cursor(), self.dialect)
        finally:
            conn.execute("ROLLBACK")

    @contextmanager
    def statement(self) -> Iterator[Sql]:
        conn = self._connection()
        try:
            yield Sql(conn.cursor(), self.dialect)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(str(error)) from error

    @contextmanager
    def bulk(self) -> Iterator[None]:
        # SQLite's default page cache (2 MB) makes every UPDATE of a large view read its pages
        # again; this thread's connection keeps more of them while the block runs.
        conn = self._connection()
        conn.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            conn.execute("PRAGMA cache_size=-2000")
            conn.execute("PRAGMA shrink_memory")

    def compact(self, tables: tuple[str, ...]) -> None:
        # The whole file, and its log checked to be empty (PurgeIncompleteError if held).
        purge_file(self._connection(), self.path, self.purge_seconds)

    def close(self) -> None:
        with self._lock:
            for held in list(self._all):
                held.conn.close()
            self._all.clear()
        self._local = threading.local()
