"""The channel outbox: one row for each notice owed to each of a partner's robot and SMS channels,
with its fixed id (a UUID5 of the notice's delivery and the channel), every attempt recorded
before it is made, and when the next is due — the retry schedule lives here, not in a broker.

A robot takes only so many messages a minute (WeCom: 20 per robot). Claiming keeps count of what
it hands out per channel in the last minute, and a message over the limit is not dropped: its
next attempt is set to when the window has room, and it waits in the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from store.sqlstore import SqlStore

PENDING, DELIVERED, FAILING, FAILED = "pending", "delivered", "failing", "failed"
CHANNEL_GONE = "channel_removed"
WINDOW = timedelta(minutes=1)
# Messages a minute each kind of channel takes (WeCom and DingTalk robots: 20; a gateway: ours).
RATE_LIMITS = {"wecom_robot": 20, "dingtalk_robot": 20, "sms": 60}

_TABLES = """
CREATE TABLE IF NOT EXISTS channel_messages (
    message_id TEXT PRIMARY KEY, delivery_id TEXT NOT NULL, channel_id TEXT NOT NULL,
    kind TEXT NOT NULL, event TEXT NOT NULL, referral_id TEXT NOT NULL, need_id TEXT NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at {time} NOT NULL,
    next_attempt_at {time} NOT NULL, claimed_until {time}, delivered_at {time}, last_error TEXT);
CREATE INDEX IF NOT EXISTS channel_messages_due ON channel_messages (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS channel_attempts (
    message_id TEXT NOT NULL, attempt INTEGER NOT NULL, started_at {time} NOT NULL,
    finished_at {time}, outcome TEXT NOT NULL, status_code INTEGER, error TEXT,
    PRIMARY KEY (message_id, attempt));
CREATE TABLE IF NOT EXISTS channel_sends (
    channel_id TEXT NOT NULL, message_id TEXT NOT NULL, claimed_at {time} NOT NULL);
CREATE INDEX IF NOT EXISTS channel_sends_window ON channel_sends (channel_id, claimed_at)
"""


def message_id_for(delivery_id: UUID, channel_id: UUID) -> UUID:
    """The same notice to the same channel always has the same id, however often it is sent."""
    return uuid5(delivery_id, str(channel_id))


@dataclass(frozen=True)
class ChannelMessage:
    """One notice owed to one channel, and how far its delivery has got."""

    message_id: UUID
    delivery_id: UUID
    channel_id: UUID
    kind: str
    event: str
    referral_id: UUID
    need_id: UUID
    status: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None


class ChannelOutbox:
    """The messages owed to channels, their attempts, and each channel's last minute of sends."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLES)

    def add(
        self,
        delivery_id: UUID,
        channel_id: UUID,
        kind: str,
        *,
        event: str,
        referral_id: UUID,
        need_id: UUID,
        now: datetime,
    ) -> UUID:
        """Owe the channel this notice (again: nothing new)."""
        message_id = message_id_for(delivery_id, channel_id)
        at = self.store.to_db_time(now)
        with self.store.write() as sql:
            sql.execute(
                "INSERT INTO channel_messages (message_id, delivery_id, channel_id, kind, event, "
                "referral_id, need_id, status, attempts, created_at, next_attempt_at) VALUES "
                "(%(id)s, %(delivery)s, %(channel)s, %(kind)s, %(event)s, %(referral)s, "
                "%(need)s, 'pending', 0, %(at)s, %(at)s) ON CONFLICT (message_id) DO NOTHING",
                {
                    "id": str(message_id),
                    "delivery": str(delivery_id),
                    "channel": str(channel_id),
                    "kind": kind,
                    "event": event,
                    "referral": str(referral_id),
                    "need": str(need_id),
                    "at": at,
                },
            )
        return message_id

    def claim_due(self, now: datetime, lease: timedelta, limit: int = 100) -> list[UUID]:
        """Messages due by `now` that nobody holds, each now held for `lease` — as many per
        channel as its rate limit leaves room for; the rest wait until there is room."""
        skip = " FOR UPDATE SKIP LOCKED" if self.store.dialect == "postgres" else ""
        at, since = self.store.to_db_time(now), self.store.to_db_time(now - WINDOW)
        claimed: list[UUID] = []
        with self.store.write() as sql:
            if self.store.dialect == "postgres":  # one claim at a time counts each window
                sql.execute("LOCK TABLE channel_sends IN SHARE ROW EXCLUSIVE MODE")
            sql.execute("DELETE FROM channel_sends WHERE claimed_at <= %(since)s", {"since": since})
            rows = sql.execute(
                "SELECT message_id, channel_id, kind FROM channel_messages WHERE status IN "  # noqa: S608
                "('pending', 'failing') AND next_attempt_at <= %(now)s AND (claimed_until IS "
                "NULL OR claimed_until <= %(now)s) ORDER BY next_attempt_at, created_at, "
                f"message_id LIMIT %(limit)s{skip}",
                {"now": at, "limit": limit},
            ).fetchall()
            for row in rows:
                room = self._room(sql, row["channel_id"], row["kind"], since)
                if room is not None:
                    sql.execute(
                        "UPDATE channel_messages SET next_attempt_at=%(next)s "
                        "WHERE message_id=%(id)s",
                        {"id": row["message_id"], "next": self.store.to_db_time(room)},
                    )
                    continue
                sql.execute(
                    "UPDATE channel_messages SET claimed_until=%(until)s WHERE message_id=%(id)s",
                    {"id": row["message_id"], "until": self.store.to_db_time(now + lease)},
                )
                sql.execute(
                    "INSERT INTO channel_sends (channel_id, message_id, claimed_at) VALUES "
                    "(%(channel)s, %(id)s, %(now)s)",
                    {"channel": row["channel_id"], "id": row["message_id"], "now": at},
                )
                claimed.append(UUID(row["message_id"]))
        return claimed

    def _room(self, sql: Any, channel_id: str, kind: str, since: Any) -> datetime | None:
        """None when the channel may take one more message now; else when it may."""
        sends = sql.execute(
            "SELECT claimed_at FROM channel_sends WHERE channel_id=%(channel)s AND "
            "claimed_at > %(since)s ORDER BY claimed_at",
            {"channel": channel_id, "since": since},
        ).fetchall()
        if len(sends) < RATE_LIMITS.get(kind, RATE_LIMITS["sms"]):
            return None
        oldest = self.store.from_db_time(sends[0]["claimed_at"])
        assert oldest is not None
        return oldest + WINDOW

    def begin_attempt(self, message_id: UUID, now: datetime, lease: timedelta) -> int | None:
        """Record that an attempt starts and return its number; None when the message is no
        longer pending (delivered already, or given up), so nothing is sent."""
        lock = " FOR UPDATE" if self.store.dialect == "postgres" else ""
        with self.store.write() as sql:
            row = sql.execute(
                f"SELECT status, attempts FROM channel_messages WHERE message_id=%(id)s{lock}",  # noqa: S608
                {"id": str(message_id)},
            ).fetchone()
            if row is None or row["status"] != PENDING:
                return None
            params = {
                "id": str(message_id),
                "n": int(row["attempts"]) + 1,
                "now": self.store.to_db_time(now),
                "until": self.store.to_db_time(now + lease),
            }
            sql.execute(
                "UPDATE channel_messages SET attempts=%(n)s, claimed_until=%(until)s "
                "WHERE message_id=%(id)s",
                params,
            )
            sql.execute(
                "INSERT INTO channel_attempts (message_id, attempt, started_at, outcome) "
                "VALUES (%(id)s, %(n)s, %(now)s, 'sending')",
                params,
            )
        return int(params["n"])

    def finish_attempt(
        self,
        message_id: UUID,
        attempt: int,
        now: datetime,
        *,
        delivered: bool,
        status_code: int | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> str:
        """Record how an attempt ended: delivered, due again at `retry_at`, or (no retry left)
        failing until the failure is recorded. Returns the new status."""
        status = DELIVERED if delivered else (PENDING if retry_at is not None else FAILING)
        params = {
            "id": str(message_id),
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
                "UPDATE channel_attempts SET finished_at=%(now)s, outcome=%(outcome)s, "
                "status_code=%(code)s, error=%(error)s WHERE message_id=%(id)s AND attempt=%(n)s",
                params,
            )
            sql.execute(
                "UPDATE channel_messages SET status=%(status)s, next_attempt_at=%(next)s, "
                "claimed_until=NULL, last_error=%(error)s, delivered_at=%(delivered_at)s "
                "WHERE message_id=%(id)s AND status='pending'",
                params,
            )
        found = self.get(message_id)
        return found.status if found is not None else status

    def settle(self, message_id: UUID, status: str, error: str) -> None:
        """End a message without (further) attempts: failed, or its channel removed."""
        with self.store.write() as sql:
            sql.execute(
                "UPDATE channel_messages SET status=%(status)s, last_error=%(error)s, "
                "claimed_until=NULL WHERE message_id=%(id)s AND status IN ('pending', 'failing')",
                {"id": str(message_id), "status": status, "error": error},
            )

    def get(self, message_id: UUID) -> ChannelMessage | None:
        """One message, or None."""
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT * FROM channel_messages WHERE message_id=%(id)s", {"id": str(message_id)}
            ).fetchone()
        return self._message(row) if row else None

    def list_messages(self, delivery_id: UUID) -> list[ChannelMessage]:
        """The messages one notice owes to channels."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT * FROM channel_messages WHERE delivery_id=%(id)s ORDER BY message_id",
                {"id": str(delivery_id)},
            ).fetchall()
        return [self._message(row) for row in rows]

    def list_attempts(self, message_id: UUID) -> list[dict[str, Any]]:
        """Every attempt at one message, the first first."""
        with self.store.read() as sql:
            return sql.execute(
                "SELECT attempt, outcome, status_code, error FROM channel_attempts "
                "WHERE message_id=%(id)s ORDER BY attempt",
                {"id": str(message_id)},
            ).fetchall()

    def counts(self) -> dict[str, int]:
        """How many messages there are in each status."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT status, COUNT(*) AS n FROM channel_messages GROUP BY status ORDER BY status"
            ).fetchall()
        return {row["status"]: int(row["n"]) for row in rows}

    def failing_channels(self, last: int = 5) -> list[tuple[UUID, str, str]]:
        """(channel, kind, last error) of each channel whose `last` attempts all failed."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT m.channel_id, m.kind, a.outcome, a.error FROM channel_attempts a JOIN "
                "channel_messages m ON m.message_id = a.message_id WHERE a.outcome <> 'sending' "
                "ORDER BY m.channel_id, a.started_at DESC, a.attempt DESC"
            ).fetchall()
        recent: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            recent.setdefault(row["channel_id"], []).append(row)
        return [
            (UUID(channel), tried[0]["kind"], tried[0]["error"] or "")
            for channel, tried in recent.items()
            if len(tried) >= last and all(t["outcome"] == FAILED for t in tried[:last])
        ]

    def _message(self, row: dict[str, Any]) -> ChannelMessage:
        return ChannelMessage(
            message_id=UUID(row["message_id"]),
            delivery_id=UUID(row["delivery_id"]),
            channel_id=UUID(row["channel_id"]),
            kind=row["kind"],
            event=row["event"],
            referral_id=UUID(row["referral_id"]),
            need_id=UUID(row["need_id"]),
            status=row["status"],
            attempts=int(row["attempts"]),
            next_attempt_at=self.store.from_db_time(row["next_attempt_at"]) or datetime.min,
            delivered_at=self.store.from_db_time(row["delivered_at"]),
            last_error=row["last_error"],
        )
