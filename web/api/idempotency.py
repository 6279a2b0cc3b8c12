"""Idempotency-Key on every POST: a phone that retries gets the first answer, never a
second case. Keys are stored (not cached), so they hold across workers and restarts."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from flask import Flask, Response, abort, g, request

from store.cipher import rotating_cipher
from store.sqlstore import SqlStore

MAX_KEY_LENGTH = 100
# A claim older than this belongs to a request that died; the next try may take it over.
STALE_CLAIM = timedelta(seconds=60)

_TABLE = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    username TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
    state TEXT NOT NULL, status INTEGER, body BYTEA_OR_BLOB, headers TEXT,
    created_at {time} NOT NULL, subject TEXT, PRIMARY KEY (username, key))
"""
# The case an answer is about, so an erasure can drop it (added after the first release).
_SUBJECT_INDEX = "CREATE INDEX IF NOT EXISTS idempotency_keys_subject ON idempotency_keys (subject)"
_SQLITE_COLUMNS = "PRAGMA table_info(idempotency_keys)"
_KEPT_HEADERS = ("Location", "ETag", "Content-Type")


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
        ddl = _TABLE.format(time="TEXT" if sqlite else "TIMESTAMPTZ")
        with self.store.write() as sql:
            sql.execute(ddl.replace("BYTEA_OR_BLOB", "BLOB" if sqlite else "BYTEA"))
            if sqlite:
                columns = {row["name"] for row in sql.execute(_SQLITE_COLUMNS).fetchall()}
                if "subject" not in columns:
                    sql.execute("ALTER TABLE idempotency_keys ADD COLUMN subject TEXT")
            else:
                sql.execute("ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS subject TEXT")
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
        return bool(self.store.from_db_time(stored) <= self.store.from_db_time(limit))

    def remember(
        self, username: str, key: str, response: Response, subject: str | None = None
    ) -> None:
        """Keep the answer to replay it; `subject` names the case it is about (for erasure)."""
        body = response.get_data()
        if self.cipher is not None:
            body = self.cipher.encrypt(body)
        headers = {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}
        with self.store.write() as sql:
            sql.execute(
                "UPDATE idempotency_keys SET state='done', status=%(s)s, body=%(b)s, "
                "headers=%(hd)s, subject=%(subject)s WHERE username=%(u)s AND key=%(k)s",
                {
                    "subject": subject,
                    "s": response.status_code,
                    "b": body,
                    "hd": json.dumps(headers),
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
        """Drop the remembered answers about these cases, households or records (an
        erasure); how many went."""
        with self.store.write() as sql:
            gone = sum(
                sql.execute(
                    "DELETE FROM idempotency_keys WHERE subject=%(s)s", {"s": str(subject)}
                ).rowcount
                for subject in subjects
            )
        self.store.compact(("idempotency_keys",))
        return gone

    def replay(self, row: dict[str, Any]) -> Response:
        body = bytes(row["body"])
        if self.cipher is not None:
            body = self.cipher.decrypt(body)
        response = Response(body, status=row["status"], headers=json.loads(row["headers"]))
        response.headers["Idempotent-Replayed"] = "true"
        return response


def _subject(response: Response) -> str | None:
    """What an answer is about, so an erasure can drop it: the case, or for the duties the
    household (named in the path, or in the answer about its duty or record), else what the
    request created."""
    path = request.view_args or {}
    subject = path.get("household_id") or path.get("need_id")
    if subject is None and response.is_json:
        body = response.get_json(silent=True)
        if isinstance(body, dict):
            subject = body.get("household_id") or body.get("need_id") or body.get("id")
    return None if subject is None else str(subject)


def _request_hash() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode()):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def idempotency_key() -> str | None:
    """The request's Idempotency-Key, checked."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        abort(400, description=f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    return key


def before_request() -> Response | None:
    """Claim the key, or answer with what the first request got."""
    if request.method != "POST" or getattr(g, "user", None) is None:
        return None
    key = idempotency_key()
    if key is None:
        return None
    from web import services

    running = services()
    request_hash = _request_hash()
    row = running.idempotency.claim(g.user.username, key, request_hash, running.clock.now())
    if row is None:
        g.idempotency_key = key
        return None
    if row["request_hash"] != request_hash:
        abort(422, description="this Idempotency-Key was already used with a different request")
    if row["state"] != "done":
        abort(409, description="a request with this Idempotency-Key is still being processed")
    return running.idempotency.replay(row)


def after_request(response: Response) -> Response:
    """Remember the answer; a server error is forgotten, so the retry runs afresh."""
    key = g.pop("idempotency_key", None)
    if key is None:
        return response
    from web import services

    store = services().idempotency
    if response.status_code >= 500:
        store.forget(g.user.username, key)
    else:
        store.remember(g.user.username, key, response, _subject(response))
    return response


def init_app(app: Flask) -> None:
    # Runs after authentication (registered later), so the key belongs to the caller.
    app.before_request(before_request)
    app.after_request(after_request)
