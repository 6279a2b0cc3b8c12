"""Who looked: every read of a resident's personal data, by whom, when, which case (or, for
the three fives, which household) and fields. Reads of one request are written together after
it, so the read path pays one insert."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Flask, Response, g

from needs.sqlstore import SqlStore

_TABLE = """
CREATE TABLE IF NOT EXISTS personal_data_reads (
    read_at {time} NOT NULL, username TEXT NOT NULL, need_id TEXT NOT NULL,
    fields TEXT NOT NULL, via TEXT NOT NULL)
"""
_INSERT = "INSERT INTO personal_data_reads (read_at, username, need_id, fields, via) VALUES "
_COLUMNS = ("read_at", "username", "need_id", "fields", "via")
_INSERT_ARRAYS = (
    "INSERT INTO personal_data_reads (read_at, username, need_id, fields, via) "
    "SELECT * FROM unnest(%(read_at)s::timestamptz[], %(username)s::text[], "
    "%(need_id)s::text[], %(fields)s::text[], %(via)s::text[])"
)
_INDEX = "CREATE INDEX IF NOT EXISTS personal_data_reads_need ON personal_data_reads (need_id)"
PERSONAL_FIELDS = (
    "resident_name",
    "contact_phone",
    "household.unit",
    "household.room",
    "description",
    "notes",
    "visits",
)
# What the household, its duties and its records show of its people.
HOUSEHOLD_FIELDS = ("unit", "room", "members", "life_events.note", "duties.notes")
DUTY_FIELDS = ("unit", "room", "member", "notes")
RECORD_FIELDS = ("text",)


class AccessLog:
    """The record of personal-data reads, beside the read models."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_tables(self) -> None:
        with self.store.write() as sql:
            sql.execute(
                _TABLE.format(time="TEXT" if self.store.dialect == "sqlite" else "TIMESTAMPTZ")
            )
            sql.execute(_INDEX)

    def record(self, reads: list[dict[str, Any]]) -> None:
        """Write a request's reads in one statement: one round trip, atomic on its own."""
        if self.store.dialect == "postgres":
            # Five arrays: a statement text the driver parses once, whatever the count.
            columns = {k: [read[k] for read in reads] for k in _COLUMNS}
            with self.store.statement() as sql:
                sql.execute(_INSERT_ARRAYS, columns)
            return
        params: dict[str, Any] = {}
        rows = []
        for i, read in enumerate(reads):
            params.update({f"{k}{i}": v for k, v in read.items()})
            params[f"read_at{i}"] = self.store.to_db_time(read["read_at"])
            rows.append(
                f"(%(read_at{i})s, %(username{i})s, %(need_id{i})s, %(fields{i})s, %(via{i})s)"
            )
        with self.store.statement() as sql:
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


def note_read(need_id: UUID, fields: tuple[str, ...], via: str, at: datetime) -> None:
    """Remember, for this request, that the caller was shown these personal fields (of a
    case, or of a household: its id stands where the case's would)."""
    if not fields:
        return
    read = {
        "username": g.user.username,
        "need_id": str(need_id),
        "fields": ",".join(fields),
        "via": via,
        "read_at": at,
    }
    reads = g.setdefault("personal_reads", [])
    if read not in reads:  # a command checks its household, then answers with it
        reads.append(read)


def flush(response: Response) -> Response:
    reads = g.pop("personal_reads", None)
    if reads:
        from web import services

        services().access_log.record(reads)
    return response


def init_app(app: Flask) -> None:
    app.after_request(flush)
