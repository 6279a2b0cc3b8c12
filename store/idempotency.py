"""Remembered answers to requests sent with an Idempotency-Key: one per user and key, stored
(not cached), so a retried request gets the first answer across workers and restarts. An
answer that shows a record is remembered by what it showed (the record's path), not by its
body: a replay shows the record as it is then. Other answers keep their body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from store.cipher import rotating_cipher
from store.sqlstore import SqlStore

# A claim older than this belongs to a request that died; the next try may take it over.
STALE_CLAIM = timedelta(seconds=60)

_TABLE = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    username TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
    state TEXT NOT NULL, status INTEGER, body BYTEA_OR_BLOB, headers TEXT,
    created_at {time} NOT NULL, subject TEXT, shows TEXT, PRIMARY KEY (username, key))
"""
# Columns added after the first release: the case an answer is about, so an erasure can drop
# its body; the record an answer shows, so a replay shows it as it is then.
_ADDED_COLUMNS = ("subject", "shows")
_SUBJECT_INDEX = "CREATE INDEX IF NOT EXISTS idempotency_keys_subject ON idempotency_keys (subject)"
_SQLITE_COLUMNS = "PRAGMA table_info(idempotency_keys)"
MAX_KEY_LENGTH = 100


def checked_key(raw: str | None) -> str | None:
    """An Idempotency-Key as sent, trimmed; None when none was sent, ValueError when it is
    blank or too long."""
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    return key


@dataclass(frozen=True)
class Answer:
    """An answer as remembered: its status, the headers worth replaying, and either the path of
    the record it shows or its body (None once an erasure dropped it)."""

    status: int
    body: bytes | None
    headers: Mapping[str, str] = field(default_factory=dict)
    shows: str | None = None


class IdempotencyStore:
    """Remembered answers, one per user and key; bodies encrypted when CIPHER_KEY is set,
    since an answer may hold a resident's personal data."""

    def __init__(
        self, store: SqlStore, cipher_key: str | None, previous_keys: tuple[str, ...] = ()
    ) -> None:
        self.store = store
        self.cipher = rotating_cipher(cipher_key, previous_keys) if cipher_key else None

    def create_tables(self) -> None:
        sqlite = self.store.dialect == "sqlite"
        ddl = _TABLE.format(time=self.store.time_type)
        with self.store.write() as sql:
            sql.execute(ddl.replace("BYTEA_OR_BLOB", "BLOB" if sqlite else "BYTEA"))
            columns = (
                {row["name"] for row in sql.execute(_SQLITE_COLUMNS).fetchall()} if sqlite else ()
            )
            for column in _ADDED_COLUMNS:
                if column not in columns:
                    sql.execute(
                        "ALTER TABLE idempotency_keys ADD COLUMN "
                        + ("" if sqlite else "IF NOT EXISTS ")
                        + f"{column} TEXT"
                    )
            sql.execute(_SUBJECT_INDEX)

    def claim(
        self, username: str, key: str, request_hash: str, now: datetime
    ) -> dict[str, Any] | None:
        """Claim the key for this request; None when claimed, else the row already there."""
        params = {"u": username, "k": key, "h": request_hash, "at": self.store.to_db_time(now)}
        if self._insert_claim(params):
            return None
        with self.store.write() as sql:
            row = sql.execute(
                "SELECT * FROM idempotency_keys WHERE username=%(u)s AND key=%(k)s", params
            ).fetchone()
            assert row is not None
            stale = self.store.to_db_time(now - STALE_CLAIM)
            if (
                row["state"] == "pending"
                and row["request_hash"] == request_hash
                and (self._before(row["created_at"], stale))
            ):
                sql.execute(
                    "UPDATE idempotency_keys SET created_at=%(at)s "
                    "WHERE username=%(u)s AND key=%(k)s",
                    params,
                )
                return None
        return row

    def _insert_claim(self, params: dict[str, Any]) -> bool:
        """Whether this request is the first with its key (a unique row decides)."""
        try:
            with self.store.write() as sql:
                sql.execute(
                    "INSERT INTO idempotency_keys (username, key, request_hash, state, created_at)"
                    " VALUES (%(u)s, %(k)s, %(h)s, 'pending', %(at)s)",
                    params,
                )
        except IntegrityError:
            return False
        return True

    def _before(self, stored: Any, limit: Any) -> bool:
        at, until = self.store.from_db_time(stored), self.store.from_db_time(limit)
        return at is not None and until is not None and at <= until

    def remember(self, username: str, key: str, answer: Answer, subject: str | None = None) -> None:
        """Keep the answer to replay it — by the record it shows, else by its body; `subject`
        names the case it is about (an erasure drops a kept body)."""
        body = None if answer.shows is not None else answer.body
        if body is not None and self.cipher is not None:
            body = self.cipher.encrypt(body)
        with self.store.write() as sql:
            sql.execute(
                "UPDATE idempotency_keys SET state='done', status=%(s)s, body=%(b)s, "
                "headers=%(hd)s, subject=%(subject)s, shows=%(shows)s "
                "WHERE username=%(u)s AND key=%(k)s",
                {
                    "subject": subject,
                    "s": answer.status,
                    "b": body,
                    "hd": json.dumps(dict(answer.headers)),
                    "shows": answer.shows,
                    "u": username,
                    "k": key,
                },
            )

    def forget(self, username: str, key: str) -> None:
        with self.store.write() as sql:
            sql.execute(
                "DELETE FROM idempotency_keys WHERE username=%(u)s AND key=%(k)s",
                {"u": username, "k": key},
            )

    def forget_subjects(self, subjects: list[UUID]) -> int:
        """Drop the bodies kept of answers about these cases, households or records (an
        erasure); how many went. The keys stay taken: the same key with another request is
        still refused, and an answer that shows a record still shows it, erased."""
        with self.store.write() as sql:
            gone = sum(
                sql.execute(
                    "UPDATE idempotency_keys SET body=NULL "
                    "WHERE subject=%(s)s AND body IS NOT NULL",
                    {"s": str(subject)},
                ).rowcount
                for subject in subjects
            )
        self.store.compact(("idempotency_keys",))
        return gone

    def replay(self, row: dict[str, Any]) -> Answer:
        """The answer a claimed key's first request got, as remembered."""
        body = None if row["body"] is None else bytes(row["body"])
        if body is not None and self.cipher is not None:
            body = self.cipher.decrypt(body)
        return Answer(row["status"], body, json.loads(row["headers"]), row.get("shows"))
