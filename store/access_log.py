"""Who looked, as stored: every read of a resident's personal data, by whom, when, which cases
(or, for the three fives, which households) and fields, beside the read models.

A request that shows personal data writes one row, a *look*, naming every case it showed (a
list's page: its 50 cases): one short insert before the answer, however long the page. "Who
saw case X" is answered from an index by case — on PostgreSQL a GIN index on the look's array
of cases; on SQLite, which has no index into a list, a table (case, look) that the follower
brings up to date a share at a time, and that is brought fully up to date each time it is asked,
a chunk of looks a write transaction. Looks are never deleted, so a look's id only grows: the
index knows how far it got by one number."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from store.sqlstore import Sql, SqlStore

_OLD = "personal_data_reads"  # before issue 21: a row per case read; moved into looks once
_COLUMNS = "read_at, username, fields, via, need_ids"
_SQLITE_DDL = """
CREATE TABLE IF NOT EXISTS personal_data_looks (
    id INTEGER PRIMARY KEY, read_at TEXT NOT NULL, username TEXT NOT NULL, fields TEXT NOT NULL,
    via TEXT NOT NULL, need_ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS personal_data_look_cases (
    need_id TEXT NOT NULL, look_id INTEGER NOT NULL, PRIMARY KEY (need_id, look_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS personal_data_looks_indexed (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 0), up_to INTEGER NOT NULL);
INSERT OR IGNORE INTO personal_data_looks_indexed (only_row, up_to) VALUES (0, 0)
"""
_PG_DDL = """
CREATE TABLE IF NOT EXISTS personal_data_looks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, read_at TIMESTAMPTZ NOT NULL,
    username TEXT NOT NULL, fields TEXT NOT NULL, via TEXT NOT NULL, need_ids TEXT[] NOT NULL);
CREATE INDEX IF NOT EXISTS personal_data_looks_cases ON personal_data_looks USING gin (need_ids)
"""
# SQLite: a range of looks not yet in the index, case by case, then how far the index got — in
# one write transaction, so no look is indexed twice or missed.
_INDEX_SQLITE = (
    "INSERT OR IGNORE INTO personal_data_look_cases (need_id, look_id) "
    "SELECT cases.value, looks.id FROM personal_data_looks AS looks, json_each(looks.need_ids) "
    "AS cases WHERE looks.id > %(after)s AND looks.id <= %(up_to)s",
    "UPDATE personal_data_looks_indexed SET up_to = %(up_to)s",
)
_INDEXED_SQLITE = (
    "SELECT up_to, (SELECT COALESCE(MAX(id), 0) FROM personal_data_looks) AS last "
    "FROM personal_data_looks_indexed"
)
# Looks indexed a transaction: a list that writes its look meanwhile waits for one chunk at most.
INDEX_CHUNK = 100
_READS_SQLITE = (
    "SELECT looks.id, read_at, username, fields, via FROM personal_data_look_cases AS cases "
    "JOIN personal_data_looks AS looks ON looks.id = cases.look_id "
    "WHERE cases.need_id = %(n)s ORDER BY read_at, looks.id"
)
_READS_PG = (
    "SELECT id, read_at, username, fields, via FROM personal_data_looks "
    "WHERE need_ids @> ARRAY[%(n)s]::text[] ORDER BY read_at, id"
)
# The durability the log has on SQLite (WAL, synchronous=NORMAL): it survives a crash of the
# service, and a crash of the database's machine may lose its last moment. Waiting for the
# disk on every read would cost a read on PostgreSQL about a third of its time (issue #6: who
# looked, "without slowing the read path noticeably"). set_config(…, true) holds until the
# statement's transaction ends, so it needs no round trip of its own.
_NO_DISK_WAIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS no_disk_wait"


def looks(reads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reads as looks: one for each who, when, which fields and by which path, naming its
    cases in the order they were read, each once."""
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for read in reads:
        key = (read["username"], read["fields"], read["via"], read["read_at"])
        look = grouped.setdefault(key, {**read, "need_ids": {}})
        look["need_ids"][str(read["need_id"])] = None
    return [{**look, "need_ids": list(look["need_ids"])} for look in grouped.values()]


class PageLook:
    """The look a page of cases will be: on PostgreSQL written by the page's own statement (a
    data-modifying WITH: no round trip of its own, committed with the page, before the answer);
    on SQLite an insert right after the page query, on its connection."""

    def __init__(self, log: AccessLog, read: dict[str, Any]) -> None:
        self.log, self.read = log, read

    def within(self, page: str, column: str, order: str) -> tuple[str, dict[str, Any]] | None:
        """A `WITH` item that writes the look of the rows of CTE `page` (their `column`, in
        `order`), with its parameters; None where the page query cannot write (SQLite)."""
        if self.log.store.dialect != "postgres":
            return None
        params = {f"look_{k}": self.read[k] for k in ("username", "fields", "via")}
        params["look_read_at"] = self.log.store.to_db_time(self.read["read_at"])
        return (
            f"look AS (INSERT INTO personal_data_looks ({_COLUMNS}) SELECT "  # noqa: S608
            "%(look_read_at)s::timestamptz, %(look_username)s, %(look_fields)s, %(look_via)s, "
            f"array_agg({column} ORDER BY {order}) FROM {page} CROSS JOIN {_NO_DISK_WAIT} "
            "HAVING COUNT(*) > 0)",
            params,
        )

    def after(self, sql: Sql, rows: list[dict[str, Any]], column: str) -> None:
        """Write the look after the page query, where `within` could not."""
        if self.log.store.dialect != "postgres":
            self.log.record_in(sql, [{**self.read, "need_id": row[column]} for row in rows])


class AccessLog:
    """The record of personal-data reads, beside the read models."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_tables(self) -> None:
        postgres = self.store.dialect == "postgres"
        self.store.run_ddl(_PG_DDL if postgres else _SQLITE_DDL)
        with self.store.write() as sql:
            found = sql.execute(
                "SELECT to_regclass(%(old)s) IS NOT NULL AS found"
                if postgres
                else "SELECT COUNT(*) > 0 AS found FROM sqlite_master WHERE name=%(old)s",
                {"old": _OLD},
            ).fetchone()
            if found and found["found"]:  # a read a look, as it was written, oldest first
                cases = "ARRAY[need_id]" if postgres else "json_array(need_id)"
                sql.execute(
                    f"INSERT INTO personal_data_looks ({_COLUMNS}) SELECT read_at, username, "  # noqa: S608
                    f"fields, via, {cases} FROM {_OLD} ORDER BY read_at"
                )
                sql.execute(f"DROP TABLE {_OLD}")

    def page_look(self, read: dict[str, Any]) -> PageLook:
        """The look of a page of cases, all read by `read`'s who, when, fields and path."""
        return PageLook(self, read)

    def record(self, reads: list[dict[str, Any]]) -> None:
        """Write a request's reads in one statement: one round trip, atomic on its own."""
        with self.store.statement() as sql:
            self.record_in(sql, reads)

    def record_in(self, sql: Sql, reads: list[dict[str, Any]]) -> None:
        """Write these reads as looks in one statement, on the caller's connection (a list
        writes its look beside its page query, before the answer is sent). On PostgreSQL the
        statement's transaction commits without waiting for the disk, so run it on its own or
        beside reads, never inside a transaction that writes what must wait."""
        rows = looks(reads)
        if not rows:
            return
        params: dict[str, Any] = {}
        values = []
        postgres = self.store.dialect == "postgres"
        for i, look in enumerate(rows):
            params.update(
                {
                    f"t{i}": self.store.to_db_time(look["read_at"]),
                    f"u{i}": look["username"],
                    f"f{i}": look["fields"],
                    f"v{i}": look["via"],
                    f"n{i}": look["need_ids"] if postgres else json.dumps(look["need_ids"]),
                }
            )
            cast = ("::timestamptz", "::text[]") if postgres else ("", "")
            values.append(f"(%(t{i})s{cast[0]}, %(u{i})s, %(f{i})s, %(v{i})s, %(n{i})s{cast[1]})")
        if postgres:
            sql.execute(
                f"INSERT INTO personal_data_looks ({_COLUMNS}) SELECT looks.* FROM "  # noqa: S608
                f"(VALUES {', '.join(values)}) AS looks ({_COLUMNS}) CROSS JOIN {_NO_DISK_WAIT}",
                params,
            )
        else:
            sql.execute(
                f"INSERT INTO personal_data_looks ({_COLUMNS}) VALUES {', '.join(values)}",  # noqa: S608
                params,
            )

    def catch_up(self, most: int | None = None) -> int:
        """Bring SQLite's index by case up to the last look, or by `most` looks at the most
        (the follower's share a pass, so a busy hour's lists never wait on it for long), a
        chunk a transaction; the looks indexed. PostgreSQL's index is always up to date."""
        done = 0
        while self.store.dialect == "sqlite" and (most is None or done < most):
            with self.store.write() as sql:
                row = sql.execute(_INDEXED_SQLITE).fetchone() or {"up_to": 0, "last": 0}
                after = row["up_to"]
                chunk = INDEX_CHUNK if most is None else min(INDEX_CHUNK, most - done)
                up_to = min(row["last"], after + chunk)
                if up_to <= after:
                    break
                for statement in _INDEX_SQLITE:
                    sql.execute(statement, {"after": after, "up_to": up_to})
            done += up_to - after
        return done

    def reads_of(self, need_id: UUID) -> list[dict[str, Any]]:
        """Every recorded read of the case's (or the household's) personal data, oldest
        first: one for each look that named it."""
        self.catch_up()
        query = _READS_PG if self.store.dialect == "postgres" else _READS_SQLITE
        with self.store.read() as sql:
            rows = sql.execute(query, {"n": str(need_id)}).fetchall()
        return [
            {
                "read_at": self.store.from_db_time(row["read_at"]),
                "username": row["username"],
                "need_id": str(need_id),
                "fields": row["fields"].split(","),
                "via": row["via"],
            }
            for row in rows
        ]
