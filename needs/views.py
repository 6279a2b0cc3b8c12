"""Read models of the casework log: a block's open needs, a partner's inbox, counts, and
the household index. Each batch of events and its tracking position commit together."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any
from uuid import UUID

from needs.projection import NeedsProjection
from needs.sqlstore import Sql, SqlStore
from needs.tracking import PositionMovedError, TrackedSqlView

__all__ = ["VIEW_TABLES", "NeedsView", "PositionMovedError"]

_TABLES = """
CREATE TABLE IF NOT EXISTS needs_view (
    need_id TEXT PRIMARY KEY, community TEXT NOT NULL, block TEXT NOT NULL,
    building INTEGER NOT NULL, household_id TEXT NOT NULL, category TEXT NOT NULL,
    urgency TEXT NOT NULL, urgency_rank INTEGER NOT NULL, status TEXT NOT NULL,
    assignee TEXT, logged_by TEXT NOT NULL, logged_at {time} NOT NULL,
    recorded_at {time} NOT NULL, updated_at {time} NOT NULL, first_contact_at {time},
    resolved_at {time}, version INTEGER NOT NULL, escalated_at {time}, escalation_reason TEXT);
CREATE INDEX IF NOT EXISTS needs_view_board
    ON needs_view (community, block, status, urgency_rank, logged_at);
CREATE TABLE IF NOT EXISTS referrals_view (
    referral_id TEXT PRIMARY KEY, need_id TEXT NOT NULL, community TEXT NOT NULL,
    partner_id TEXT NOT NULL, partner_name TEXT NOT NULL, status TEXT NOT NULL,
    category TEXT NOT NULL, urgency TEXT NOT NULL, urgency_rank INTEGER NOT NULL,
    block TEXT NOT NULL, building INTEGER NOT NULL, sent_at {time} NOT NULL,
    respond_by {time} NOT NULL, responded_at {time}, accepted_at {time}, closed_at {time},
    decline_reason TEXT, outcome TEXT, version INTEGER NOT NULL, delivery_failed_at {time});
CREATE INDEX IF NOT EXISTS referrals_view_inbox ON referrals_view (partner_id, status);
CREATE INDEX IF NOT EXISTS referrals_view_need ON referrals_view (need_id);
CREATE TABLE IF NOT EXISTS households_view (
    address_digest TEXT PRIMARY KEY, household_id TEXT NOT NULL, community TEXT NOT NULL,
    block TEXT NOT NULL, building INTEGER NOT NULL, last_need_id TEXT NOT NULL,
    last_used_at {time} NOT NULL);
CREATE INDEX IF NOT EXISTS households_view_id ON households_view (household_id);
CREATE TABLE IF NOT EXISTS view_tracking (
    application_name TEXT PRIMARY KEY, notification_id INTEGER NOT NULL)
"""
_POSITIONS = "SELECT COUNT(*) AS n, SUM(notification_id) AS at FROM view_tracking"
VIEW_TABLES = ("needs_view", "referrals_view", "households_view")
# Columns added after the first release: (table, column, type), added to older tables in place.
_ADDED_COLUMNS = (
    ("needs_view", "escalated_at", "{time}"),
    ("needs_view", "escalation_reason", "TEXT"),
    ("referrals_view", "delivery_failed_at", "{time}"),
)
# A ranking reads one row of counts a partner, and the hours each accepted referral waited
# in order from an index, rather than every referral with its times.
_PARTNER_COUNTS = """
SELECT partner_id,
    SUM(CASE WHEN sent_at >= %(week)s THEN 1 ELSE 0 END) AS sent_this_week,
    COUNT(accepted_at) AS accepted,
    SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS declined,
    SUM(CASE WHEN status = 'expired' THEN 1 ELSE 0 END) AS expired,
    SUM(CASE WHEN status IN ('sent', 'accepted') THEN 1 ELSE 0 END) AS open_load{median}
FROM referrals_view WHERE community=%(c)s GROUP BY partner_id
"""
# PostgreSQL takes the median in the same statement (percentile_cont(0.5) is the mean of the
# middle two, as statistics.median); SQLite has no such aggregate, so its waits come in order.
_MEDIAN = (
    ", percentile_cont(0.5) WITHIN GROUP (ORDER BY {hours}) "
    "FILTER (WHERE accepted_at IS NOT NULL) AS median"
)
_WAITS = (
    "SELECT partner_id, {hours} AS hours FROM referrals_view "
    "WHERE community=%(c)s AND accepted_at IS NOT NULL ORDER BY partner_id, {hours}"
)
_HOURS_TO_ACCEPT = {
    "sqlite": "((julianday(accepted_at) - julianday(sent_at)) * 24.0)",
    "postgres": "(CAST(EXTRACT(EPOCH FROM accepted_at - sent_at) AS DOUBLE PRECISION) / 3600.0)",
}
# SQLite reads the waits in order from it; only accepted referrals are in it, so a rebuild
# pays for it once a referral.
_WAITS_INDEX = (
    "CREATE INDEX IF NOT EXISTS referrals_view_partner_waits "
    "ON referrals_view (community, partner_id, {hours}) WHERE accepted_at IS NOT NULL"
)
# SQLite counts from it alone, already grouped by partner: no table scan and no sort (a third
# of the time of a ranking after the read model moved).
_COUNTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS referrals_view_partner_counts "
    "ON referrals_view (community, partner_id, status, sent_at, accepted_at)"
)
_COUNTS = ("sent_this_week", "accepted", "declined", "expired", "open_load")


class NeedsView(NeedsProjection, TrackedSqlView):
    """The casework read models, kept by following the Needs log exactly once."""

    # Only a logged need's address (for its digest) is personal data the rows depend on.
    personal_events = frozenset({"NeedLogged"})
    tables = VIEW_TABLES

    def __init__(
        self, store: SqlStore, address_key: bytes, previous_address_keys: Sequence[bytes] = ()
    ) -> None:
        self.store = store
        self.address_key = address_key
        # Digests made under a retired CIPHER_KEY still find their household until rotated.
        self.previous_address_keys = tuple(previous_address_keys)
        self._history: tuple[tuple[Any, ...], dict[UUID, dict[str, Any]]] | None = None

    def create_tables(self) -> None:
        time_type = "TEXT" if self.store.dialect == "sqlite" else "TIMESTAMPTZ"
        with self.store.write() as sql:
            for statement in _TABLES.format(time=time_type).split(";"):
                sql.execute(statement)
            if self.store.dialect == "sqlite":
                sql.execute(_WAITS_INDEX.format(hours=_HOURS_TO_ACCEPT["sqlite"]))
                sql.execute(_COUNTS_INDEX)
            for table, column, kind in _ADDED_COLUMNS:
                if column not in self._columns(sql, table):
                    sql.execute(
                        f"ALTER TABLE {table} ADD COLUMN {column} {kind.format(time=time_type)}"
                    )

    def _columns(self, sql: Sql, table: str) -> set[str]:
        if self.store.dialect == "sqlite":
            rows = sql.execute(f"PRAGMA table_info({table})").fetchall()
            return {row["name"] for row in rows}
        rows = sql.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %(t)s",
            {"t": table},
        ).fetchall()
        return {row["column_name"] for row in rows}

    def forget_household(self, household_id: UUID) -> None:
        """Drop the household's address digest (an erasure): it can no longer be found."""
        with self.store.write() as sql:
            self._forget_household(sql, household_id)

    # --- queries -----------------------------------------------------------------------

    def find_household(
        self, community: str, block: str, building: int, unit: str, room: str
    ) -> UUID | None:
        """The household at this address, if a need was logged for it before."""
        with self.store.read() as sql:
            for key in (self.address_key, *self.previous_address_keys):
                row = sql.execute(
                    "SELECT household_id FROM households_view WHERE address_digest=%(d)s",
                    {"d": self.address_digest(community, block, building, unit, room, key)},
                ).fetchone()
                if row:
                    return UUID(row["household_id"])
        return None

    def household_need(self, household_id: UUID) -> UUID | None:
        """The household's most recent need, which holds its address."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT last_need_id FROM households_view WHERE household_id=%(h)s "
                "ORDER BY last_used_at DESC LIMIT 1",
                {"h": str(household_id)},
            ).fetchone()
        return UUID(row["last_need_id"]) if row else None

    def list_needs(
        self,
        community: str,
        *,
        blocks: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        category: str | None = None,
        urgency: str | None = None,
        limit: int = 50,
        offset: int = 0,
        within: Callable[[Sql, list[dict[str, Any]]], None] | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Needs in scope, most urgent then oldest first, with the total before paging;
        `within(sql, rows)` runs on the page query's connection, right after it."""
        where, params = ["community=%(community)s"], {"community": community}
        for column, values in (("block", blocks), ("status", statuses)):
            if values is not None:
                names = [f"{column}{i}" for i, _ in enumerate(values)] or ["none"]
                params.update(zip(names, values, strict=False))
                where.append(f"{column} IN ({', '.join(f'%({n})s' for n in names)})")
        for column, value in (("category", category), ("urgency", urgency)):
            if value is not None:
                where.append(f"{column}=%({column})s")
                params[column] = value
        clause = " AND ".join(where)
        with self.store.statement() as sql:
            # One statement, one round trip: the count is a subquery run once, beside the page.
            rows = sql.execute(
                f"SELECT *, (SELECT COUNT(*) FROM needs_view WHERE {clause}) AS matching "  # noqa: S608
                f"FROM needs_view WHERE {clause} "
                "ORDER BY urgency_rank DESC, logged_at ASC, need_id ASC "
                "LIMIT %(limit)s OFFSET %(offset)s",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
            total = rows[0]["matching"] if rows else 0
            if not rows and offset > 0:  # past the end: no row carries the count
                found = sql.execute(
                    f"SELECT COUNT(*) AS n FROM needs_view WHERE {clause}",  # noqa: S608
                    params,
                ).fetchone()
                total = found["n"] if found else 0
            # The time columns (as `_times` finds them) found once for the page, not per row.
            times = (
                [k for k in rows[0] if k.endswith(("_at", "_by")) and k != "logged_by"]
                if rows
                else []
            )
            for row in rows:
                del row["matching"]
                for column in times:
                    if row[column] is not None:
                        row[column] = self.store.from_db_time(row[column])
            if within is not None:
                within(sql, rows)
        return rows, int(total)

    def list_referrals(
        self,
        partner_id: UUID,
        *,
        statuses: Iterable[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """A partner's inbox: open ones first, the soonest deadline first."""
        where, params = ["partner_id=%(partner)s"], {"partner": str(partner_id)}
        if statuses is not None:
            names = [f"s{i}" for i, _ in enumerate(statuses)] or ["none"]
            params.update(zip(names, statuses, strict=False))
            where.append(f"status IN ({', '.join(f'%({n})s' for n in names)})")
        clause = " AND ".join(where)
        with self.store.read() as sql:
            total = sql.execute(
                f"SELECT COUNT(*) AS n FROM referrals_view WHERE {clause}",  # noqa: S608
                params,
            ).fetchone()
            rows = sql.execute(
                f"SELECT * FROM referrals_view WHERE {clause} "  # noqa: S608
                "ORDER BY CASE WHEN status IN ('sent', 'accepted') THEN 0 ELSE 1 END, "
                "urgency_rank DESC, respond_by ASC, referral_id ASC "
                "LIMIT %(limit)s OFFSET %(offset)s",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        return [self._times(r) for r in rows], int(total["n"] if total else 0)

    def referral_need(self, referral_id: UUID) -> tuple[UUID, UUID] | None:
        """(need id, partner id) of a referral."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT need_id, partner_id FROM referrals_view WHERE referral_id=%(r)s",
                {"r": str(referral_id)},
            ).fetchone()
        return (UUID(row["need_id"]), UUID(row["partner_id"])) if row else None

    def counts(self, community: str) -> list[dict[str, Any]]:
        """How many needs by block, category and status."""
        with self.store.read() as sql:
            return sql.execute(
                "SELECT block, category, status, COUNT(*) AS n FROM needs_view "
                "WHERE community=%(c)s GROUP BY block, category, status "
                "ORDER BY block, category, status",
                {"c": community},
            ).fetchall()

    def partner_history(self, community: str, week_start: datetime) -> dict[UUID, dict[str, Any]]:
        """Each partner's record for the matching policy: answers, speed, load, this week."""
        with self.store.read() as sql:
            # The rows are a function of the position in the log: unchanged until it moves.
            key = (community, week_start, sql.execute(_POSITIONS).fetchone())
            kept = self._history
            if kept is None or kept[0] != key:
                kept = (key, self._partner_history(sql, community, week_start))
                self._history = kept
        return {partner_id: dict(record) for partner_id, record in kept[1].items()}

    def _partner_history(
        self, sql: Sql, community: str, week_start: datetime
    ) -> dict[UUID, dict[str, Any]]:
        hours = _HOURS_TO_ACCEPT[self.store.dialect]
        in_sql = self.store.dialect == "postgres"
        counts = sql.execute(
            _PARTNER_COUNTS.format(median=_MEDIAN.format(hours=hours) if in_sql else ""),
            {"c": community, "week": self._t(week_start)},
        )
        history = {
            row["partner_id"]: {
                **{k: int(row[k] or 0) for k in _COUNTS},
                "median": row["median"] if in_sql else None,
            }
            for row in counts.fetchall()
        }
        waits = [] if in_sql else sql.execute(_WAITS.format(hours=hours), {"c": community}).rows()
        for partner_id, rows in groupby(waits, key=itemgetter("partner_id")):
            ordered = [row["hours"] for row in rows]
            middle = len(ordered) // 2
            # As statistics.median: the middle one, or the mean of the middle two.
            history[partner_id]["median"] = (ordered[(len(ordered) - 1) // 2] + ordered[middle]) / 2
        return {
            UUID(partner_id): {
                **{k: h[k] for k in _COUNTS},
                "median_hours_to_accept": h.get("median"),
            }
            for partner_id, h in history.items()
        }

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every view in a stable order, to compare a rebuild with the live views."""
        keys = {
            "needs_view": "need_id",
            "referrals_view": "referral_id",
            "households_view": "address_digest",
        }
        with self.store.read() as sql:
            return {
                t: [
                    self._times(r)
                    for r in sql.execute(f"SELECT * FROM {t} ORDER BY {k}").fetchall()  # noqa: S608
                ]
                for t, k in keys.items()
            }

    def _times(self, row: dict[str, Any]) -> dict[str, Any]:
        for key, value in row.items():
            if key.endswith(("_at", "_by")) and key != "logged_by" and value is not None:
                row[key] = self.store.from_db_time(value)
        return row
