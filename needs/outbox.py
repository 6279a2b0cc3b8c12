"""The outbox: one row for every notice a partner is owed, written while following the needs
log (the rows and the position commit together), with each attempt to deliver it and when the
next attempt is due. The retry schedule lives here, not in the broker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from kernel.clock import Clock
from needs.domain import Need
from store.sqlstore import Sql, SqlStore
from store.tracking import RowPerEvent, TrackedSqlView, handler_for

# The events a partner is told of, each by the notice it is told with.
NOTICES: dict[type[Any], str] = {
    Need.Referred: "referral.sent",
    Need.ReferralWithdrawn: "referral.withdrawn",
    Need.ReferralExpired: "referral.expired",
}
REFERRAL_SENT = NOTICES[Need.Referred]
PENDING, DELIVERED, FAILING, FAILED = "pending", "delivered", "failing", "failed"
NO_CHANNEL, SKIPPED = "no_channel", "skipped"
# A notice first seen this long after its event is history, not news: it is kept, not sent.
MAX_AGE = timedelta(days=1)

_TABLES = """
CREATE TABLE IF NOT EXISTS deliveries (
    delivery_id TEXT PRIMARY KEY, event TEXT NOT NULL, referral_id TEXT NOT NULL,
    need_id TEXT NOT NULL, partner_id TEXT NOT NULL, status TEXT NOT NULL, channel TEXT,
    attempts INTEGER NOT NULL, created_at {time} NOT NULL, next_attempt_at {time} NOT NULL,
    claimed_until {time}, delivered_at {time}, last_error TEXT);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_referral ON deliveries (referral_id);
CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, channel TEXT NOT NULL,
    started_at {time} NOT NULL, finished_at {time}, outcome TEXT NOT NULL,
    status_code INTEGER, error TEXT, PRIMARY KEY (delivery_id, attempt));
CREATE TABLE IF NOT EXISTS digests_sent (
    username TEXT NOT NULL, day TEXT NOT NULL, sent_at {time} NOT NULL,
    PRIMARY KEY (username, day));
CREATE TABLE IF NOT EXISTS outbox_tracking (
    application_name TEXT PRIMARY KEY, notification_id INTEGER NOT NULL)
"""


def delivery_id_for(referral_id: UUID, notice: str) -> UUID:
    """The same notice of the same referral always has the same id, however often it is sent."""
    return uuid5(referral_id, notice)


@dataclass(frozen=True)
class Delivery:
    """One notice owed to a partner, and how far its delivery has got."""

    delivery_id: UUID
    event: str
    referral_id: UUID
    need_id: UUID
    partner_id: UUID
    status: str
    channel: str | None
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None


class Outbox(TrackedSqlView):
    """The delivery store, kept by following the Needs log exactly once; a reset follows the
    log again from its start and keeps the notices already owed as they are."""

    tracking_table = "outbox_tracking"
    # What `audit verify` checks against the log: a notice for each event a partner is told of.
    kept = tuple(RowPerEvent("deliveries", (e,), f"event='{n}'") for e, n in NOTICES.items())
    # A notice may be on its way to a partner as soon as it is written: it waits for the disk.
    derived = False

    def __init__(self, store: SqlStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLES)

    # --- following the log (store.tracking: its position is kept in outbox_tracking) ------

    def _apply(self, sql: Sql, event: Any) -> None:
        notice = handler_for(NOTICES, type(event))
        if notice is not None:
            self._add(sql, notice, event, self.clock.now())

    def _add(self, sql: Sql, notice: str, event: Any, seen_at: datetime) -> None:
        referral_id = str(event.referral_id)
        partner_id = getattr(event, "partner_id", None)
        if partner_id is None:
            sent = sql.execute(
                "SELECT partner_id FROM deliveries WHERE referral_id=%(r)s AND event=%(e)s",
                {"r": referral_id, "e": REFERRAL_SENT},
            ).fetchone()
            if sent is None:
                return  # a referral the outbox never saw sent: nobody to tell
            partner_id = sent["partner_id"]
        stale = event.timestamp < seen_at - MAX_AGE
        sql.execute(
            "INSERT INTO deliveries (delivery_id, event, referral_id, need_id, partner_id, "
            "status, attempts, created_at, next_attempt_at, last_error) VALUES (%(id)s, "
            "%(event)s, %(referral)s, %(need)s, %(partner)s, %(status)s, 0, %(at)s, %(at)s, "
            "%(error)s) ON CONFLICT (delivery_id) DO NOTHING",
            {
                "id": str(delivery_id_for(event.referral_id, notice)),
                "event": notice,
                "referral": referral_id,
                "need": str(event.originator_id),
                "partner": str(partner_id),
                "status": SKIPPED if stale else PENDING,
                "at": self.store.to_db_time(event.timestamp),
                "error": "first seen more than a day after the event; not sent" if stale else None,
            },
        )

    # --- delivering --------------------------------------------------------------------

    def claim_due(self, now: datetime, lease: timedelta, limit: int = 100) -> list[UUID]:
        """Deliveries due by `now` that nobody holds, each now held for `lease`."""
        skip = " FOR UPDATE SKIP LOCKED" if self.store.dialect == "postgres" else ""
        params = {
            "now": self.store.to_db_time(now),
            "until": self.store.to_db_time(now + lease),
            "limit": limit,
        }
        with self.store.write() as sql:
            rows = sql.execute(
                "SELECT delivery_id FROM deliveries WHERE status IN ('pending', 'failing') "  # noqa: S608
                "AND next_attempt_at <= %(now)s AND (claimed_until IS NULL OR "
                f"claimed_until <= %(now)s) ORDER BY next_attempt_at LIMIT %(limit)s{skip}",
                params,
            ).fetchall()
            for row in rows:
                sql.execute(
                    "UPDATE deliveries SET claimed_until=%(until)s WHERE delivery_id=%(id)s",
                    {**params, "id": row["delivery_id"]},
                )
        return [UUID(row["delivery_id"]) for row in rows]

    def begin_attempt(
        self, delivery_id: UUID, channel: str, now: datetime, lease: timedelta
    ) -> int | None:
        """Record that an attempt starts and return its number; None when the delivery is no
        longer pending (delivered already, or given up), so nothing is sent."""
        lock = " FOR UPDATE" if self.store.dialect == "postgres" else ""
        with self.store.write() as sql:
            row = sql.execute(
                f"SELECT status, attempts FROM deliveries WHERE delivery_id=%(id)s{lock}",  # noqa: S608
                {"id": str(delivery_id)},
            ).fetchone()
            if row is None or row["status"] != PENDING:
                return None
            attempt = int(row["attempts"]) + 1
            params = {
                "id": str(delivery_id),
                "n": attempt,
                "channel": channel,
                "now": self.store.to_db_time(now),
                "until": self.store.to_db_time(now + lease),
            }
            sql.execute(
                "UPDATE deliveries SET attempts=%(n)s, channel=%(channel)s, "
                "claimed_until=%(until)s WHERE delivery_id=%(id)s",
                params,
            )
            sql.execute(
                "INSERT INTO delivery_attempts (delivery_id, attempt, channel, started_at, "
                "outcome) VALUES (%(id)s, %(n)s, %(channel)s, %(now)s, 'sending')",
                params,
            )
        return attempt

    def finish_attempt(
        self,
        delivery_id: UUID,
        attempt: int,
        now: datetime,
        *,
        delivered: bool,
        status_code: int | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
    ) -> str:
        """Record how an attempt ended: delivered, due again at `retry_at`, or (with no retry
        left) failing until the failure is recorded on the case. Returns the new status."""
        status = DELIVERED if delivered else (PENDING if retry_at is not None else FAILING)
        params = {
            "id": str(delivery_id),
            "n": attempt,
            "now": self.store.to_db_time(now),
            "outcome": DELIVERED if delivered else FAILED,
            "code": status_code,
            "error": error,
            "status": status,
            "next": self.store.to_db_time(retry_at or now),
            "delivered_at": self.store.to_db_time(now) if delivered else None,
        }
        with self.store.write() as sql:
            sql.execute(
                "UPDATE delivery_attempts SET finished_at=%(now)s, outcome=%(outcome)s, "
                "status_code=%(code)s, error=%(error)s "
                "WHERE delivery_id=%(id)s AND attempt=%(n)s",
                params,
            )
            sql.execute(
                "UPDATE deliveries SET status=%(status)s, next_attempt_at=%(next)s, "
                "claimed_until=NULL, last_error=%(error)s, delivered_at=%(delivered_at)s "
                "WHERE delivery_id=%(id)s AND status='pending'",
                params,
            )
            row = sql.execute(
                "SELECT status FROM deliveries WHERE delivery_id=%(id)s", params
            ).fetchone()
        return str(row["status"]) if row else status

    def settle(self, delivery_id: UUID, status: str, error: str) -> None:
        """End a delivery without (further) attempts: failed, no channel, or skipped."""
        with self.store.write() as sql:
            sql.execute(
                "UPDATE deliveries SET status=%(status)s, last_error=%(error)s, "
                "claimed_until=NULL WHERE delivery_id=%(id)s AND status IN ('pending', 'failing')",
                {"id": str(delivery_id), "status": status, "error": error},
            )

    # --- reading -----------------------------------------------------------------------

    def get(self, delivery_id: UUID) -> Delivery | None:
        """One delivery, or None."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT * FROM deliveries WHERE delivery_id=%(id)s", {"id": str(delivery_id)}
            ).fetchone()
        return self._delivery(row) if row else None

    def list_deliveries(
        self, *, status: str | None = None, referral_id: UUID | None = None, limit: int = 100
    ) -> list[Delivery]:
        """Deliveries, the newest first, optionally of one status or one referral."""
        where, params = ["1=1"], dict[str, Any](limit=limit)
        if status is not None:
            where.append("status=%(status)s")
            params["status"] = status
        if referral_id is not None:
            where.append("referral_id=%(referral)s")
            params["referral"] = str(referral_id)
        with self.store.read() as sql:
            rows = sql.execute(
                f"SELECT * FROM deliveries WHERE {' AND '.join(where)} "  # noqa: S608
                "ORDER BY created_at DESC, delivery_id LIMIT %(limit)s",
                params,
            ).fetchall()
        return [self._delivery(row) for row in rows]

    def list_attempts(self, delivery_id: UUID) -> list[dict[str, Any]]:
        """Every attempt at one delivery, the first first."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT attempt, channel, started_at, finished_at, outcome, status_code, error "
                "FROM delivery_attempts WHERE delivery_id=%(id)s ORDER BY attempt",
                {"id": str(delivery_id)},
            ).fetchall()
        for row in rows:
            row["started_at"] = self.store.from_db_time(row["started_at"])
            row["finished_at"] = self.store.from_db_time(row["finished_at"])
        return rows

    def counts(self) -> dict[str, int]:
        """How many deliveries there are in each status."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status ORDER BY status"
            ).fetchall()
        return {row["status"]: int(row["n"]) for row in rows}

    # --- the daily digest --------------------------------------------------------------

    def digest_sent(self, username: str, day: str) -> bool:
        """Whether the user's digest of that day (YYYY-MM-DD, Shanghai) has gone out."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT 1 AS sent FROM digests_sent WHERE username=%(u)s AND day=%(d)s",
                {"u": username, "d": day},
            ).fetchone()
        return row is not None

    def record_digest(self, username: str, day: str, now: datetime) -> None:
        """Remember that the user's digest of that day went out."""
        with self.store.write() as sql:
            sql.execute(
                "INSERT INTO digests_sent (username, day, sent_at) VALUES (%(u)s, %(d)s, "
                "%(at)s) ON CONFLICT (username, day) DO NOTHING",
                {"u": username, "d": day, "at": self.store.to_db_time(now)},
            )

    def _delivery(self, row: dict[str, Any]) -> Delivery:
        moment = self.store.from_db_time
        return Delivery(
            delivery_id=UUID(row["delivery_id"]),
            event=row["event"],
            referral_id=UUID(row["referral_id"]),
            need_id=UUID(row["need_id"]),
            partner_id=UUID(row["partner_id"]),
            status=row["status"],
            channel=row["channel"],
            attempts=int(row["attempts"]),
            created_at=moment(row["created_at"]) or datetime.min,
            next_attempt_at=moment(row["next_attempt_at"]) or datetime.min,
            delivered_at=moment(row["delivered_at"]),
            last_error=row["last_error"],
        )
