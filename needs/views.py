"""Read models of the casework log: a block's open needs, a partner's inbox, counts. Each
batch of events and its tracking position commit together. Households are found by address in
the duties' index alone: a need keeps only the household id it was logged for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from needs.domain import Need
from needs.follow_ups import FollowUpQueries
from needs.partner_stats import STATS_DDL, STATS_KEYS, STATS_TABLES, PartnerStatsKeeper
from needs.projection import NeedsProjection
from store.access_log import PageLook
from store.sqlstore import Sql, SqlStore
from store.tracking import RowPerAggregate, RowPerEvent, TrackedSqlView

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
CREATE INDEX IF NOT EXISTS needs_view_household ON needs_view (household_id);
CREATE TABLE IF NOT EXISTS referrals_view (
    referral_id TEXT PRIMARY KEY, need_id TEXT NOT NULL, community TEXT NOT NULL,
    partner_id TEXT NOT NULL, partner_name TEXT NOT NULL, status TEXT NOT NULL,
    category TEXT NOT NULL, urgency TEXT NOT NULL, urgency_rank INTEGER NOT NULL,
    block TEXT NOT NULL, building INTEGER NOT NULL, sent_at {time} NOT NULL,
    respond_by {time} NOT NULL, responded_at {time}, accepted_at {time}, closed_at {time},
    decline_reason TEXT, outcome TEXT, version INTEGER NOT NULL, delivery_failed_at {time});
CREATE INDEX IF NOT EXISTS referrals_view_inbox ON referrals_view (partner_id, status);
CREATE INDEX IF NOT EXISTS referrals_view_need ON referrals_view (need_id);
CREATE TABLE IF NOT EXISTS view_tracking (
    application_name TEXT PRIMARY KEY, notification_id INTEGER NOT NULL)
"""
VIEW_TABLES = ("needs_view", "referrals_view")
# Columns added after the first release: (table, column, type), added to older tables in place.
_ADDED_COLUMNS = (
    ("needs_view", "escalated_at", "{time}"),
    ("needs_view", "escalation_reason", "TEXT"),
    ("referrals_view", "delivery_failed_at", "{time}"),
    ("needs_view", "outcome", "TEXT"),
    ("needs_view", "last_escalated_at", "{time}"),
    ("needs_view", "followed_up_at", "{time}"),
    ("needs_view", "follow_up_verdict", "TEXT"),
)
# SQLite indexes a ranking read the whole history through, before partner_stats kept it.
_RETIRED_INDEXES = ("referrals_view_partner_waits", "referrals_view_partner_counts")
# The cases' own address index, from before the duties' index was the only one (init-db
# registers with the duties the households it alone knew before dropping it).
_RETIRED_TABLES = ("households_view",)


class NeedsView(NeedsProjection, FollowUpQueries, PartnerStatsKeeper, TrackedSqlView):
    """The casework read models, kept by following the Needs log exactly once."""

    # No row depends on personal data: every event is read with its seals left shut.
    personal_events: frozenset[type[Any]] = frozenset()
    tables = VIEW_TABLES + STATS_TABLES
    # What `audit verify` checks against the log: a need's row at its version (every event
    # moves it), a referral's row for each referral sent. The partners' statistics are not.
    kept = (
        RowPerAggregate("needs_view", "need_id", Need.Event),
        RowPerEvent("referrals_view", (Need.Referred,)),
    )

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_tables(self) -> None:
        time_type = self.store.time_type
        with self.store.write() as sql:
            for statement in (_TABLES + ";" + STATS_DDL).format(time=time_type).split(";"):
                sql.execute(statement)
            for index in _RETIRED_INDEXES:
                sql.execute(f"DROP INDEX IF EXISTS {index}")
            for table in _RETIRED_TABLES:
                sql.execute(f"DROP TABLE IF EXISTS {table}")
            for table, column, kind in _ADDED_COLUMNS:
                if column not in self._columns(sql, table):
                    sql.execute(
                        f"ALTER TABLE {table} ADD COLUMN {column} {kind.format(time=time_type)}"
                    )
            self._count_all_referrals(sql)

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

    # --- queries -----------------------------------------------------------------------

    def household_latest_needs(self) -> dict[UUID, UUID]:
        """Each household a need was logged for, with its most recent need (which holds the
        household's latest address)."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT household_id, need_id FROM needs_view "
                "ORDER BY household_id, recorded_at, need_id"
            ).fetchall()
        return {UUID(r["household_id"]): UUID(r["need_id"]) for r in rows}

    def list_needs(
        self,
        community: str,
        *,
        blocks: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        category: str | None = None,
        urgency: str | None = None,
        household_id: UUID | None = None,
        limit: int = 50,
        offset: int = 0,
        look: PageLook | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Needs in scope, most urgent then oldest first, with the total before paging;
        `look`, who looked at the page, is written by the page's statement or right after it
        on its connection: before the answer."""
        where, params = ["community=%(community)s"], {"community": community}
        for column, values in (("block", blocks), ("status", statuses)):
            if values is not None:
                names = [f"{column}{i}" for i, _ in enumerate(values)] or ["none"]
                params.update(zip(names, values, strict=False))
                where.append(f"{column} IN ({', '.join(f'%({n})s' for n in names)})")
        household = str(household_id) if household_id is not None else None
        for column, value in (
            ("category", category),
            ("urgency", urgency),
            ("household_id", household),
        ):
            if value is not None:
                where.append(f"{column}=%({column})s")
                params[column] = value
        clause = " AND ".join(where)
        order = "urgency_rank DESC, logged_at ASC, need_id ASC"
        page = (
            f"SELECT *, (SELECT COUNT(*) FROM needs_view WHERE {clause}) AS matching "  # noqa: S608
            f"FROM needs_view WHERE {clause} ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s"
        )
        sent: dict[str, Any] = {**params, "limit": limit, "offset": offset}
        written = look.within("page", "need_id", order) if look is not None else None
        if written is not None:  # the look is written by the same statement
            page = f"WITH page AS ({page}), {written[0]} SELECT * FROM page ORDER BY {order}"  # noqa: S608
            sent.update(written[1])
        with self.store.statement() as sql:
            # One statement, one round trip: the count is a subquery run once, beside the page.
            rows = sql.execute(page, sent).fetchall()
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
            if look is not None and written is None:
                look.after(sql, rows, "need_id")
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
        """Each partner's record for the matching policy: answers, speed, load, and the
        referrals sent in the week (Monday in Shanghai) holding `week_start` and since."""
        with self.store.read() as sql:
            return self._read_history(sql, community, week_start)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every view in a stable order, to compare a rebuild with the live views."""
        keys = {"needs_view": "need_id", "referrals_view": "referral_id"}
        # The kept records have no one-column key: theirs comes first, as a dump compares by it.
        selects = {t: f"SELECT * FROM {t} ORDER BY {k}" for t, k in keys.items()}  # noqa: S608
        selects.update(
            (t, f"SELECT {k} AS row_key, * FROM {t} ORDER BY row_key")  # noqa: S608
            for t, k in STATS_KEYS.items()
        )
        with self.store.read() as sql:
            return {
                t: [self._times(r) for r in sql.execute(select).fetchall()]
                for t, select in selects.items()
            }

    def _times(self, row: dict[str, Any]) -> dict[str, Any]:
        for key, value in row.items():
            if key.endswith(("_at", "_by")) and key != "logged_by" and value is not None:
                row[key] = self.store.from_db_time(value)
        return row
