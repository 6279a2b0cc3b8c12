"""A read model in SQL that keeps its place in a log beside its rows: a batch of events and the
new position commit in one transaction, so each event is applied exactly once, across threads
and processes (store.follower.Follower hands it the batches)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from store.sqlstore import Sql, SqlStore

H = TypeVar("H")
# How an event changes a view's rows: called with the view, the transaction and the event.
Handler = Callable[[Any, Sql, Any], None]


def handler_for(handlers: Mapping[type[Any], H], event_class: type[Any]) -> H | None:
    """The handler of an event's class, or of the nearest class it derives from; None if none."""
    for cls in event_class.__mro__:
        handler = handlers.get(cls)
        if handler is not None:
            return handler
    return None


@dataclass(frozen=True)
class RowPerAggregate:
    """What a view keeps, for the audit to check against the log (store.positions): a row in
    `table`, keyed by `key`, for each aggregate whose events derive from `events` — at the
    aggregate's version as of the view's position, when `version` names the column."""

    table: str
    key: str
    events: type[Any]
    version: str | None = "version"


@dataclass(frozen=True)
class RowPerEvent:
    """What a view keeps: a row in `table` (those that match `where`, a fixed condition) for
    each event of one of `events` in the log up to the view's position."""

    table: str
    events: tuple[type[Any], ...]
    where: str = ""


Kept = RowPerAggregate | RowPerEvent


class PositionMovedError(Exception):
    """Another follower processed these events first; re-read the position and go on."""

    def __init__(self, application_name: str, position: int | None = None) -> None:
        super().__init__(application_name)
        self.position = position  # where the view was found, when the raiser read it


class TrackedSqlView:
    """Rows in `tables`, kept from one application's log; an event changes them through the
    handler its class has in the view's `handlers` (or an `_apply` of its own)."""

    store: SqlStore
    handlers: ClassVar[Mapping[type[Any], Handler]] = {}
    tables: tuple[str, ...] = ()
    # The table of positions, a row for each log followed; two views that follow one log
    # keep their positions apart.
    tracking_table = "view_tracking"
    # Only what the log can rebuild: a batch's commit need not wait for the disk.
    derived = True
    # The rows that `audit verify` checks against the log up to the view's position.
    kept: ClassVar[tuple[Kept, ...]] = ()

    def position(self, application_name: str) -> int:
        """The last notification id this view has processed."""
        with self.store.read() as sql:
            return self.position_in(sql, application_name)

    def position_in(self, sql: Sql, application_name: str) -> int:
        """The position as a transaction of the caller's reads it, beside the view's rows."""
        row = sql.execute(self._position_query(), {"app": application_name}).fetchone()
        return int(row["notification_id"]) if row else 0

    def process(self, application_name: str, start: int, events: Sequence[tuple[int, Any]]) -> None:
        """Apply events (notification id, domain event) that follow `start`, with the new
        position, in one transaction; PositionMovedError if someone else got there first."""
        # PostgreSQL: lock the position row; SQLite: the write transaction already holds the lock.
        lock = " FOR UPDATE" if self.store.dialect == "postgres" else ""
        with self.store.pipelined(derived=self.derived) as sql:
            row = sql.execute(self._position_query() + lock, {"app": application_name}).fetchone()
            position = int(row["notification_id"]) if row else 0
            if position != start:
                raise PositionMovedError(application_name, position)
            for _, event in events:
                self._apply(sql, event)
            self._applied(sql, [event for _, event in events])
            sql.execute(
                f"INSERT INTO {self.tracking_table} (application_name, notification_id) "  # noqa: S608 - a fixed name
                "VALUES (%(app)s, %(id)s) ON CONFLICT (application_name) "
                "DO UPDATE SET notification_id = %(id)s",
                {"app": application_name, "id": events[-1][0]},
            )

    def reset(self, application_name: str) -> None:
        """Empty every table of the view and its position, ready to be rebuilt from the log."""
        with self.store.write() as sql:
            for table in self.tables:
                sql.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            sql.execute(
                f"DELETE FROM {self.tracking_table} WHERE application_name=%(app)s",  # noqa: S608
                {"app": application_name},
            )

    def _position_query(self) -> str:
        return f"SELECT notification_id FROM {self.tracking_table} WHERE application_name=%(app)s"  # noqa: S608

    def _applied(self, sql: Sql, events: Sequence[Any]) -> None:
        """After a batch's events and before its position: work on the batch as a whole."""

    def _apply(self, sql: Sql, event: Any) -> None:
        handler = handler_for(self.handlers, type(event))
        if handler is not None:
            handler(self, sql, event)
