"""Who looked, as stored: every read of a resident's personal data, by whom, when, which case
(or, for the three fives, which household) and fields, beside the read models."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from store.sqlstore import Sql, SqlStore

_TABLE = """
CREATE TABLE IF NOT EXISTS personal_data_reads (
    read_at {time} NOT NULL, username TEXT NOT NULL, need_id TEXT NOT NULL,
    fields TEXT NOT NULL, via TEXT NOT NULL)
"""
_INSERT = "INSERT INTO personal_data_reads (read_at, username, need_id, fields, via) VALUES "
_COLUMNS = ("read_at", "username", "need_id", "fields", "via")
_INSERT_PG = "INSERT INTO personal_data_reads (read_at, username, need_id, fields, via)"
_PG = {
    "read_at": "timestamptz",
    "username": "text",
    "need_id": "text",
    "fields": "text",
    "via": "text",
}
# The durability the log has on SQLite (WAL, synchronous=NORMAL): it survives a crash of the
# service, and a crash of the database's machine may lose its last moment. Waiting for the
# disk on every read would cost a read on PostgreSQL about a third of its time (issue #6: who
# looked, "without slowing the read path noticeably"). set_config(…, true) holds until the
# statement's transaction ends, so it needs no round trip of its own.
_NO_DISK_WAIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS no_disk_wait"
_INDEX = "CREATE INDEX IF NOT EXISTS personal_data_reads_need ON personal_data_reads (need_id)"


class AccessLog:
    """The record of personal-data reads, beside the read models."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLE + ";" + _INDEX)

    def record(self, reads: list[dict[str, Any]]) -> None:
        """Write a request's reads in one statement: one round trip, atomic on its own."""
        with self.store.statement() as sql:
            self.record_in(sql, reads)

    def record_in(self, sql: Sql, reads: list[dict[str, Any]]) -> None:
        """Write these reads in one statement, on the caller's connection (a list writes its
        reads beside its page query, before the answer is sent). On PostgreSQL the statement's
        transaction commits without waiting for the disk, so run it on its own or beside reads,
        never inside a transaction that writes what must wait."""
        if not reads:
            return
        if self.store.dialect == "postgres":
            # An array for each column whose values differ (a list's: the case), the rest
            # once: a statement text the driver parses once, whatever the count.
            first = reads[0]
            varying = [k for k in _COLUMNS if any(r[k] != first[k] for r in reads)] or ["need_id"]
            values = ", ".join(f"r.{k}" if k in varying else f"%({k})s::{_PG[k]}" for k in _COLUMNS)
            arrays = ", ".join(f"%({k})s::{_PG[k]}[]" for k in varying)
            sql.execute(
                f"{_INSERT_PG} SELECT {values} FROM unnest({arrays}) AS r({', '.join(varying)})"  # noqa: S608
                f" CROSS JOIN {_NO_DISK_WAIT}",
                {k: [r[k] for r in reads] if k in varying else first[k] for k in _COLUMNS},
            )
            return
        # A value the reads share is one parameter: a list's 50 reads differ only in the case.
        names: dict[tuple[str, Any], str] = {}
        rows = []
        for read in reads:
            row = [names.setdefault((k, read[k]), f"p{len(names)}") for k in _COLUMNS]
            rows.append(f"({', '.join(f'%({name})s' for name in row)})")
        params = {name: value for (_, value), name in names.items()}
        for (column, value), name in names.items():
            if column == "read_at":
                params[name] = self.store.to_db_time(value)
        sql.execute(_INSERT + ", ".join(rows), params)

    def reads_of(self, need_id: UUID) -> list[dict[str, Any]]:
        """Every recorded read of the case's (or the household's) personal data, oldest
        first."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT * FROM personal_data_reads WHERE need_id=%(n)s ORDER BY read_at",
                {"n": str(need_id)},
            ).fetchall()
        for row in rows:
            row["read_at"] = self.store.from_db_time(row["read_at"])
            row["fields"] = row["fields"].split(",")
        return rows
