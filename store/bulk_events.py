"""The stored events of many aggregates in one statement (a few hundred originators at a time),
for work that loads many aggregates at once (a ledger's import) rather than one round trip each.
Either store of the library's; any other recorder is asked one originator at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, StoredEvent

CHUNK = 500  # originators a statement


def select_events_of(
    recorder: AggregateRecorder, originator_ids: Sequence[UUID]
) -> dict[UUID, list[StoredEvent]]:
    """{originator id: its stored events in version order} of those with any."""
    from eventsourcing.postgres import PostgresAggregateRecorder
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    found: dict[UUID, list[StoredEvent]] = {}
    for start in range(0, len(originator_ids), CHUNK):
        chunk = list(originator_ids[start : start + CHUNK])
        if isinstance(recorder, PostgresAggregateRecorder):
            rows = _postgres(recorder, chunk)
        elif isinstance(recorder, SQLiteAggregateRecorder):
            rows = _sqlite(recorder, chunk)
        else:
            rows = [e for i in chunk for e in recorder.select_events(i)]
        for event in rows:
            found.setdefault(UUID(str(event.originator_id)), []).append(event)
    return found


def _postgres(recorder: Any, ids: list[UUID]) -> list[StoredEvent]:
    from psycopg.sql import SQL, Identifier

    statement = SQL(
        "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
        "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
    ).format(
        schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name)
    )
    with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
        curs.execute(statement, [ids])
        return [
            StoredEvent(
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
            for row in curs.fetchall()
        ]


def _sqlite(recorder: Any, ids: list[UUID]) -> list[StoredEvent]:
    marks = ", ".join("?" for _ in ids)
    statement = (
        "SELECT originator_id, originator_version, topic, state FROM "  # noqa: S608
        f"{recorder.events_table_name} WHERE originator_id IN ({marks}) "
        "ORDER BY originator_id, originator_version"
    )
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(statement, [i.hex for i in ids])
        return [
            StoredEvent(
                originator_id=recorder.convert_originator_id(row["originator_id"]),
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=row["state"],
            )
            for row in c.fetchall()
        ]
