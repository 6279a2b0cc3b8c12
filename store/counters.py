"""Counters that expire, in the read models' SQL store: what a rate limit counts (failed sign-ins)
kept where every process of the service sees it, when there is no Redis to keep it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from store.sqlstore import SqlStore

_TABLE = """
CREATE TABLE IF NOT EXISTS rate_counters (
    key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at {time} NOT NULL);
CREATE INDEX IF NOT EXISTS rate_counters_expires_at ON rate_counters (expires_at)
"""
MAX_KEY_LENGTH = 400  # a limit's key: its prefix, the caller's address and a username


class Counters:
    """Fixed-window counters by key: each starts at its first hit and is gone when it expires.
    Every count is one write transaction, so two processes counting at once both count."""

    def __init__(self, store: SqlStore, now: Callable[[], float] = time.time) -> None:
        self.store = store
        self.now = now

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLE)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add `amount` to the key's count, which starts afresh, expiring after `expiry`
        seconds, when there is none or it has expired; the count after."""
        now = self.now()
        key = key[:MAX_KEY_LENGTH]
        with self.store.write() as sql:
            # Expired counters go as new ones come, so the table stays small.
            sql.execute(
                "DELETE FROM rate_counters WHERE expires_at <= %(now)s", {"now": self._time(now)}
            )
            sql.execute(
                "INSERT INTO rate_counters (key, hits, expires_at) "
                "VALUES (%(key)s, %(amount)s, %(expires_at)s) "
                "ON CONFLICT (key) DO UPDATE SET hits = rate_counters.hits + excluded.hits",
                {"key": key, "amount": amount, "expires_at": self._time(now + expiry)},
            )
            row = sql.execute(
                "SELECT hits FROM rate_counters WHERE key=%(key)s", {"key": key}
            ).fetchone()
        return int(row["hits"]) if row else amount

    def get(self, key: str) -> int:
        """The key's count while it has not expired, else 0."""
        row = self._row(key)
        return 0 if row is None else int(row["hits"])

    def get_expiry(self, key: str) -> float:
        """When the key's count expires (seconds since the epoch); now if there is none."""
        row = self._row(key)
        expires_at = None if row is None else self.store.from_db_time(row["expires_at"])
        return self.now() if expires_at is None else expires_at.timestamp()

    def clear(self, key: str) -> None:
        with self.store.write() as sql:
            sql.execute(
                "DELETE FROM rate_counters WHERE key=%(key)s", {"key": key[:MAX_KEY_LENGTH]}
            )

    def reset(self) -> int:
        """Forget every count; how many there were."""
        with self.store.write() as sql:
            return sql.execute("DELETE FROM rate_counters").rowcount

    def _row(self, key: str) -> dict[str, Any] | None:
        with self.store.read() as sql:
            return sql.execute(
                "SELECT hits, expires_at FROM rate_counters "
                "WHERE key=%(key)s AND expires_at > %(now)s",
                {"key": key[:MAX_KEY_LENGTH], "now": self._time(self.now())},
            ).fetchone()

    def _time(self, seconds: float) -> object:
        return self.store.to_db_time(datetime.fromtimestamp(seconds, UTC))
