"""Checking a read model against the log it follows, for `audit verify`: its position (the last
notification it applied) is not past the log's newest, and up to that position it skipped no
event — as far as the rows it declares in `kept` (store.tracking) can tell:

- `RowPerAggregate`: every aggregate with events up to the position has its row, at the
  version the aggregate had there (where the row keeps one), and no other row is there;
- `RowPerEvent`: as many rows as the log has such events up to the position.

The position and the rows are read in one snapshot, so a follower committing meanwhile cannot
make them disagree; the log is then read up to the position (an event, once recorded, never
changes its place). The log is read as stored, never decoded: ids, versions and topics."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import resolve_topic

from store.sqlstore import Sql, SqlStore
from store.tracking import Kept, RowPerAggregate, RowPerEvent, TrackedSqlView

BATCH = 1000
EXAMPLES = 3  # rows named in a finding; the rest are counted


def check_position(app: Application[Any], view: TrackedSqlView) -> list[str]:
    """What is wrong with a view against `app`'s log, a sentence each; [] when in step."""
    with _snapshot(view.store) as sql:
        position = view.position_in(sql, app.name)
        rows = {kept: _rows(sql, kept) for kept in view.kept}
    newest = app.recorder.max_notification_id() or 0  # read after: the log only grows
    if position > newest:
        return [f"at event {position}, ahead of the log (its newest event is {newest})"]
    logged = _log_up_to(app, position, view.kept)
    findings: list[str] = []
    for kept in view.kept:
        if isinstance(kept, RowPerAggregate):
            findings += _aggregate_findings(kept, rows[kept], logged[kept])
        else:
            findings += _event_findings(kept, rows[kept], logged[kept])
    return findings


@contextmanager
def _snapshot(store: SqlStore) -> Iterator[Sql]:
    """Reads that all see the store as of one moment."""
    if store.dialect != "postgres":
        with store.read() as sql:  # SQLite (WAL): a read transaction reads one snapshot
            yield sql
        return
    with store.statement() as sql:  # the pool's connections autocommit: begin one here
        sql.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield sql
        finally:
            sql.execute("ROLLBACK")


def _rows(sql: Sql, kept: Kept) -> Any:
    """Each row's key and version (RowPerAggregate), or how many rows (RowPerEvent)."""
    if isinstance(kept, RowPerEvent):
        where = f" WHERE {kept.where}" if kept.where else ""
        found = sql.execute(f"SELECT COUNT(*) AS n FROM {kept.table}{where}").fetchone()  # noqa: S608 - fixed names
        return int(found["n"]) if found else 0
    version = kept.version or "NULL"
    selected = sql.execute(f"SELECT {kept.key} AS k, {version} AS v FROM {kept.table}")  # noqa: S608 - fixed names
    return {UUID(str(r["k"])): r["v"] for r in selected.fetchall()}


def _log_up_to(app: Application[Any], position: int, kept: tuple[Kept, ...]) -> dict[Kept, Any]:
    """For each of `kept`, what the log holds up to `position`: each aggregate's version, or
    how many events."""
    logged: dict[Kept, Any] = {k: {} if isinstance(k, RowPerAggregate) else 0 for k in kept}
    if not kept:
        return logged
    classes: dict[str, type[Any]] = {}
    start = 0
    while start < position:
        notifications = app.recorder.select_notifications(
            start=start, limit=BATCH, stop=position, inclusive_of_start=False
        )
        for n in notifications:
            cls = classes.get(n.topic) or classes.setdefault(n.topic, resolve_topic(n.topic))
            for k in kept:
                if isinstance(k, RowPerAggregate):
                    if issubclass(cls, k.events):
                        logged[k][UUID(str(n.originator_id))] = n.originator_version
                elif issubclass(cls, k.events):
                    logged[k] += 1
        if len(notifications) < BATCH:
            break
        start = notifications[-1].id
    return logged


def _aggregate_findings(
    kept: RowPerAggregate, rows: dict[UUID, int | None], logged: dict[UUID, int]
) -> list[str]:
    noun = kept.key.removesuffix("_id")
    missing = [f"{noun} {a}" for a in logged if a not in rows]
    unknown = [f"{noun} {a}" for a in rows if a not in logged]
    behind: list[str] = []
    ahead: list[str] = []
    if kept.version is not None:
        for aggregate, version in logged.items():
            row_version = rows.get(aggregate)
            if row_version is None or row_version == version:
                continue
            said = f"{noun} {aggregate} at version {row_version}, the log has {version}"
            (behind if row_version < version else ahead).append(said)
    return [
        f"{kept.table}: {_count(len(found), 'row')} {what} ({_examples(found)})"
        for found, what in (
            (missing, "missing: it skipped events up to its position"),
            (behind, "behind the log at its position"),
            (ahead, "ahead of its position in the log"),
            (unknown, "for nothing the log holds up to its position"),
        )
        if found
    ]


def _event_findings(kept: RowPerEvent, rows: int, logged: int) -> list[str]:
    table = f"{kept.table} ({kept.where})" if kept.where else kept.table
    counted = f"{table}: {_count(rows, 'row')} for {_count(logged, 'event')} up to its position"
    if rows < logged:
        return [f"{counted}: it skipped events"]
    if rows > logged:
        return [f"{counted}: it is ahead of its position"]
    return []


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _examples(found: list[str]) -> str:
    named = "; ".join(found[:EXAMPLES])
    return named + (f"; and {len(found) - EXAMPLES} more" if len(found) > EXAMPLES else "")
