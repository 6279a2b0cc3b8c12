"""Read models of the casework log: a block's open needs, a partner's inbox, counts, and
the household index. Each batch of events and its tracking position commit together."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from datetime import datetime
from statistics import median
from typing import Any
from uuid import UUID

from needs.sqlstore import Sql, SqlStore

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
_POSITION = "SELECT notification_id FROM view_tracking WHERE application_name=%(app)s"
_POSITION_FOR_UPDATE = _POSITION + " FOR UPDATE"
VIEW_TABLES = ("needs_view", "referrals_view", "households_view")
# Columns added after the first release: (table, column, type), added to older tables in place.
_ADDED_COLUMNS = (
    ("needs_view", "escalated_at", "{time}"),
    ("needs_view", "escalation_reason", "TEXT"),
    ("referrals_view", "delivery_failed_at", "{time}"),
)
_RANK = {"low": 0, "normal": 1, "high": 2, "critical": 3}
_OPEN_REFERRAL = ("sent", "accepted")


class PositionMovedError(Exception):
    """Another follower processed these events first; re-read the position and go on."""


class NeedsView:
    """The casework read models, kept by following the Needs log exactly once."""

    def __init__(self, store: SqlStore, address_key: bytes) -> None:
        self.store = store
        self.address_key = address_key

    def create_tables(self) -> None:
        time_type = "TEXT" if self.store.dialect == "sqlite" else "TIMESTAMPTZ"
        with self.store.write() as sql:
            for statement in _TABLES.format(time=time_type).split(";"):
                sql.execute(statement)
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

    # --- following the log -------------------------------------------------------------

    def position(self, application_name: str) -> int:
        """The last notification id this view has processed."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT notification_id FROM view_tracking WHERE application_name=%(app)s",
                {"app": application_name},
            ).fetchone()
        return int(row["notification_id"]) if row else 0

    def process(self, application_name: str, start: int, events: Sequence[tuple[int, Any]]) -> None:
        """Apply events (notification id, domain event) that follow `start`, with the new
        position, in one transaction; PositionMovedError if someone else got there first."""
        # PostgreSQL: lock the position row; SQLite: the write transaction already holds the lock.
        select = _POSITION_FOR_UPDATE if self.store.dialect == "postgres" else _POSITION
        with self.store.write() as sql:
            row = sql.execute(select, {"app": application_name}).fetchone()
            if (int(row["notification_id"]) if row else 0) != start:
                raise PositionMovedError(application_name)
            for _, event in events:
                self._apply(sql, event)
            sql.execute(
                "INSERT INTO view_tracking (application_name, notification_id) "
                "VALUES (%(app)s, %(id)s) ON CONFLICT (application_name) "
                "DO UPDATE SET notification_id = %(id)s",
                {"app": application_name, "id": events[-1][0]},
            )

    def reset(self, application_name: str) -> None:
        """Empty every view and its position, ready to be rebuilt from the log."""
        with self.store.write() as sql:
            for table in VIEW_TABLES:
                sql.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            sql.execute(
                "DELETE FROM view_tracking WHERE application_name=%(app)s",
                {"app": application_name},
            )

    def _apply(self, sql: Sql, event: Any) -> None:
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        need = {
            "need_id": str(event.originator_id),
            "version": event.originator_version,
            "at": self.store.to_db_time(event.timestamp),
        }
        if handler is not None:
            handler(sql, event, need)
        sql.execute(
            "UPDATE needs_view SET version=%(version)s, updated_at=%(at)s "
            "WHERE need_id=%(need_id)s",
            need,
        )

    def _t(self, moment: datetime | None) -> Any:
        return self.store.to_db_time(moment)

    def _on_NeedLogged(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        household = e.household
        sql.execute(
            "INSERT INTO needs_view (need_id, community, block, building, household_id, "
            "category, urgency, urgency_rank, status, logged_by, logged_at, recorded_at, "
            "updated_at, version) VALUES (%(need_id)s, %(community)s, %(block)s, %(building)s, "
            "%(household_id)s, %(category)s, %(urgency)s, %(rank)s, 'open', %(actor)s, "
            "%(logged_at)s, %(at)s, %(at)s, %(version)s)",
            {
                **need,
                "community": e.community,
                "block": e.block,
                "building": household.building,
                "household_id": str(household.id),
                "category": e.category,
                "urgency": e.urgency.value,
                "rank": _RANK[e.urgency.value],
                "actor": e.actor,
                "logged_at": self._t(e.occurred_at),
            },
        )
        sql.execute(
            "INSERT INTO households_view (address_digest, household_id, community, block, "
            "building, last_need_id, last_used_at) VALUES (%(digest)s, %(household_id)s, "
            "%(community)s, %(block)s, %(building)s, %(need_id)s, %(at)s) "
            "ON CONFLICT (address_digest) DO UPDATE SET last_need_id=%(need_id)s, "
            "last_used_at=%(at)s",
            {
                **need,
                "digest": self.address_digest(
                    e.community, e.block, household.building, household.unit, household.room
                ),
                "household_id": str(household.id),
                "community": e.community,
                "block": e.block,
                "building": household.building,
            },
        )

    def _start_work(self, sql: Sql, need: dict[str, Any]) -> None:
        sql.execute(
            "UPDATE needs_view SET status='in_progress' "
            "WHERE need_id=%(need_id)s AND status='open'",
            need,
        )

    def _on_Assigned(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        sql.execute(
            "UPDATE needs_view SET assignee=%(assignee)s WHERE need_id=%(need_id)s",
            {**need, "assignee": e.assignee},
        )
        self._start_work(sql, need)

    def _first_contact(self, sql: Sql, need: dict[str, Any], moment: datetime) -> None:
        sql.execute(
            "UPDATE needs_view SET first_contact_at=COALESCE(first_contact_at, %(m)s) "
            "WHERE need_id=%(need_id)s",
            {**need, "m": self._t(moment)},
        )
        self._start_work(sql, need)

    def _on_VisitRecorded(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        self._first_contact(sql, need, e.occurred_at)

    def _on_UrgencyChanged(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        params = {**need, "urgency": e.urgency.value, "rank": _RANK[e.urgency.value]}
        for table in ("needs_view", "referrals_view"):
            sql.execute(
                f"UPDATE {table} SET urgency=%(urgency)s, urgency_rank=%(rank)s "  # noqa: S608
                "WHERE need_id=%(need_id)s",
                params,
            )

    def _on_Resolved(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        sql.execute(
            "UPDATE needs_view SET status='resolved', resolved_at=%(at)s, escalated_at=NULL, "
            "escalation_reason=NULL WHERE need_id=%(need_id)s",
            need,
        )

    def _on_Escalated(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        sql.execute(
            "UPDATE needs_view SET escalated_at=%(at)s, escalation_reason=%(reason)s "
            "WHERE need_id=%(need_id)s",
            {**need, "reason": e.reason},
        )

    def _on_ReferralDeliveryFailed(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        sql.execute(
            "UPDATE referrals_view SET delivery_failed_at=%(at)s WHERE referral_id=%(r)s",
            {"at": self._t(e.timestamp), "r": str(e.referral_id)},
        )

    def _on_Reopened(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        sql.execute(
            "UPDATE needs_view SET status='open', resolved_at=NULL WHERE need_id=%(need_id)s", need
        )

    def _on_Referred(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        sql.execute(
            "INSERT INTO referrals_view (referral_id, need_id, community, partner_id, "
            "partner_name, status, category, urgency, urgency_rank, block, building, sent_at, "
            "respond_by, version) SELECT %(referral_id)s, need_id, community, %(partner_id)s, "
            "%(partner_name)s, 'sent', category, urgency, urgency_rank, block, building, "
            "%(at)s, %(respond_by)s, 1 FROM needs_view WHERE need_id=%(need_id)s",
            {
                **need,
                "referral_id": str(e.referral_id),
                "partner_id": str(e.partner_id),
                "partner_name": e.partner_name,
                "respond_by": self._t(e.respond_by),
            },
        )
        self._first_contact(sql, need, e.timestamp)
        sql.execute(
            "UPDATE needs_view SET escalated_at=NULL, escalation_reason=NULL "
            "WHERE need_id=%(need_id)s",
            need,
        )

    def _referral(self, sql: Sql, e: Any, status: str, extra: str = "", **params: Any) -> None:
        sql.execute(
            f"UPDATE referrals_view SET status=%(status)s, version=version+1{extra} "  # noqa: S608
            "WHERE referral_id=%(referral_id)s",
            {
                "status": status,
                "referral_id": str(e.referral_id),
                "at": self._t(e.timestamp),
                **params,
            },
        )

    def _on_ReferralAccepted(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        self._referral(sql, e, "accepted", ", responded_at=%(at)s, accepted_at=%(at)s")

    def _on_ReferralDeclined(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        self._referral(
            sql,
            e,
            "declined",
            ", responded_at=%(at)s, closed_at=%(at)s, decline_reason=%(reason)s",
            reason=e.reason.value,
        )

    def _on_ReferralExpired(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        self._referral(sql, e, "expired", ", closed_at=%(at)s")

    def _on_ReferralWithdrawn(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        self._referral(sql, e, "withdrawn", ", closed_at=%(at)s")

    def _on_ReferralCompleted(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        self._referral(
            sql, e, "completed", ", closed_at=%(at)s, outcome=%(outcome)s", outcome=e.outcome.value
        )

    def _on_PersonalDataErased(self, sql: Sql, e: Any, need: dict[str, Any]) -> None:  # noqa: N802
        self._forget_household(sql, e.household_id)

    def forget_household(self, household_id: UUID) -> None:
        """Drop the household's address digest (an erasure): it can no longer be found."""
        with self.store.write() as sql:
            self._forget_household(sql, household_id)

    def _forget_household(self, sql: Sql, household_id: UUID) -> None:
        sql.execute(
            "DELETE FROM households_view WHERE household_id=%(h)s", {"h": str(household_id)}
        )

    # --- queries -----------------------------------------------------------------------

    def address_digest(
        self, community: str, block: str, building: int, unit: str, room: str
    ) -> str:
        """A keyed digest of an address: finds a household without storing where it is."""
        address = "|".join(
            [community, block, str(building), unit.strip().casefold(), room.strip().casefold()]
        )
        return hmac.new(self.address_key, address.encode(), hashlib.sha256).hexdigest()

    def find_household(
        self, community: str, block: str, building: int, unit: str, room: str
    ) -> UUID | None:
        """The household at this address, if a need was logged for it before."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT household_id FROM households_view WHERE address_digest=%(d)s",
                {"d": self.address_digest(community, block, building, unit, room)},
            ).fetchone()
        return UUID(row["household_id"]) if row else None

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
    ) -> tuple[list[dict[str, Any]], int]:
        """Needs in scope, most urgent then oldest first, with the total before paging."""
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
        with self.store.read() as sql:
            total = sql.execute(
                f"SELECT COUNT(*) AS n FROM needs_view WHERE {clause}",  # noqa: S608
                params,
            ).fetchone()
            rows = sql.execute(
                f"SELECT * FROM needs_view WHERE {clause} "  # noqa: S608
                "ORDER BY urgency_rank DESC, logged_at ASC, need_id ASC "
                "LIMIT %(limit)s OFFSET %(offset)s",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        return [self._times(r) for r in rows], int(total["n"] if total else 0)

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
            rows = sql.execute(
                "SELECT partner_id, status, sent_at, accepted_at FROM referrals_view "
                "WHERE community=%(c)s",
                {"c": community},
            ).fetchall()
        history: dict[UUID, dict[str, Any]] = {}
        waits: dict[UUID, list[float]] = {}
        for row in rows:
            pid = UUID(row["partner_id"])
            h = history.setdefault(
                pid,
                {"sent_this_week": 0, "accepted": 0, "declined": 0, "expired": 0, "open_load": 0},
            )
            sent = self.store.from_db_time(row["sent_at"])
            accepted = self.store.from_db_time(row["accepted_at"])
            if sent is not None and sent >= week_start:
                h["sent_this_week"] += 1
            if accepted is not None and sent is not None:
                h["accepted"] += 1
                waits.setdefault(pid, []).append((accepted - sent).total_seconds() / 3600)
            if row["status"] in ("declined", "expired"):
                h[row["status"]] += 1
            if row["status"] in _OPEN_REFERRAL:
                h["open_load"] += 1
        for pid, h in history.items():
            h["median_hours_to_accept"] = median(waits[pid]) if pid in waits else None
        return history

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
