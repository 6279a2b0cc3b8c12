"""Read models (and the other stores' tables) in PostgreSQL, through the event store library's
connection pool: the same statements as on SQLite (store/sqlstore.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from store.errors import PurgeIncompleteError
from store.purging import PURGE_SECONDS
from store.sqlstore import Sql, SqlStore

# Whether anything could still see rows deleted before the mark (the first transaction id not
# yet begun when the purge began): VACUUM FULL copies such "recently dead" rows into the new
# files. A transaction still running anywhere on the server holds back the horizon of every
# snapshot (VACUUM FULL's own too); a session of this database (that this role may see) or a
# replication slot holds it back by its own snapshot.
_STILL_SEEN = (
    "SELECT pg_snapshot_xmin(pg_current_snapshot()) < %(mark)s::xid8 "
    "OR EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND age(backend_xmin) > age(xid(%(mark)s::xid8))) "
    "OR EXISTS (SELECT 1 FROM pg_replication_slots WHERE age(xmin) > age(xid(%(mark)s::xid8))) "
    "AS seen"
)


class PostgresStore(SqlStore):
    """Read models in PostgreSQL, through the event store library's connection pool."""

    dialect = "postgres"
    time_type = "TIMESTAMPTZ"

    def __init__(
        self,
        *,
        dbname: str,
        host: str,
        port: str,
        user: str,
        password: str,
        pool_size: int = 2,
        max_overflow: int = 2,
        purge_seconds: float = PURGE_SECONDS,
        schema: str = "",
    ) -> None:
        self.purge_seconds = purge_seconds
        # A partition's tables live in a schema of their own: every connection of the pool
        # looks only there, so no statement can reach another partition's tables.
        kind = SchemaDatastore if schema else PostgresDatastore
        self.datastore = kind(
            schema=schema,
            dbname=dbname,
            host=host,
            port=port,
            user=user,
            password=password,
            pool_size=pool_size,
            max_overflow=max_overflow,
        )

    @contextmanager
    def write(self) -> Iterator[Sql]:
        with self.datastore.transaction(commit=True) as cursor:
            yield Sql(cursor, self.dialect)

    @contextmanager
    def read(self) -> Iterator[Sql]:
        # The pool's connections autocommit: at READ COMMITTED a transaction around reads
        # gives them no common snapshot, only a BEGIN and a ROLLBACK more to wait for.
        with self.statement() as sql:
            yield sql

    @contextmanager
    def statement(self) -> Iterator[Sql]:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            yield Sql(cursor, self.dialect)

    @contextmanager
    def pipelined(self, *, derived: bool = False) -> Iterator[Sql]:
        # psycopg's pipeline mode, as the event store's own inserts use it: BEGIN and the first
        # read go together, then the writes and the COMMIT.
        with (
            self.datastore.get_connection() as conn,
            conn.pipeline(),
            conn.transaction(),
            conn.cursor() as cursor,
        ):
            if derived:
                # An asynchronous commit is atomic still: after a crash the rows and their
                # position are there together or not at all.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            yield Sql(cursor, self.dialect)

    def compact(self, tables: tuple[str, ...]) -> None:
        vacuum_full(self.datastore, tables, self.purge_seconds)

    def close(self) -> None:
        self.datastore.close()


class SchemaDatastore(PostgresDatastore):
    """The library's datastore, its connections' search path set to its schema alone."""

    def after_connect_func(self) -> Callable[[psycopg.Connection[Any]], None]:
        configure = super().after_connect_func()
        search_path = SQL("SET search_path TO {0}").format(Identifier(self.schema))

        def after_connect(conn: psycopg.Connection[Any]) -> None:
            configure(conn)
            conn.execute(search_path)

        return after_connect


def table_of(recorder: Any) -> str:
    """An event store recorder's table as our own statements name it: in its schema on
    PostgreSQL (a partition's applications keep theirs in one of their own), bare on SQLite."""
    schema = getattr(recorder.datastore, "schema", None)
    table = str(recorder.events_table_name)
    return f'"{schema}"."{table}"' if schema else table


def vacuum_full(datastore: Any, tables: tuple[str, ...], seconds: float = PURGE_SECONDS) -> None:
    """VACUUM FULL each table into new files, once no transaction that could still see the
    deleted rows is running (VACUUM FULL would copy them); PurgeIncompleteError after
    `seconds` of waiting for such a transaction or for a lock on a table."""
    with datastore.get_connection() as conn:
        conn.commit()
        conn.autocommit = True
        try:
            _await_older_snapshots(conn, seconds)
            conn.execute(f"SET lock_timeout = {int(seconds * 1000)}")
            for table in tables:
                try:
                    conn.execute(f"VACUUM FULL {table}")
                except psycopg.errors.LockNotAvailable:
                    raise PurgeIncompleteError(
                        f"{table} stayed locked by another session for {seconds:g} s, so it "
                        "was not rewritten and what was deleted may still be in its files"
                    ) from None
        finally:
            conn.execute("RESET lock_timeout")
            conn.autocommit = False


def _await_older_snapshots(conn: Any, seconds: float) -> None:
    mark = conn.execute("SELECT pg_snapshot_xmax(pg_current_snapshot()) AS x").fetchone()["x"]
    deadline = time.monotonic() + seconds
    while conn.execute(_STILL_SEEN, {"mark": mark}).fetchone()["seen"]:
        if time.monotonic() >= deadline:
            raise PurgeIncompleteError(
                f"for {seconds:g} s another transaction could still see the deleted rows (a "
                "transaction begun before the deletion was still running), so they were not "
                "yet rewritten away"
            )
        time.sleep(0.05)
