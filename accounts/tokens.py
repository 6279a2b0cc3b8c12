"""Bearer tokens and page sessions: random, kept only as digests, tied to the user's credentials
epoch, so signing out, a new password, a new role or a disabled account ends them in the store
whoever still holds a copy."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from accounts.application import Accounts
from accounts.views import UserRecord
from store.sqlstore import SqlStore

_TABLE = """
CREATE TABLE IF NOT EXISTS auth_tokens (
    digest TEXT PRIMARY KEY, username TEXT NOT NULL, epoch INTEGER NOT NULL,
    issued_at {time} NOT NULL, expires_at {time} NOT NULL);
CREATE INDEX IF NOT EXISTS auth_tokens_username ON auth_tokens (username);
CREATE INDEX IF NOT EXISTS auth_tokens_expires_at ON auth_tokens (expires_at)
"""
# The API's bearer tokens, and the pages' sessions (each signed-in phone), in a table apart so
# that neither is ever taken for the other.
TOKENS, PAGE_SESSIONS = "auth_tokens", "page_sessions"
# 32 random bytes: 256 bits, far more than anyone can guess.
TOKEN_BYTES = 32


def digest(token: str) -> str:
    """What the store keeps of a token: a stolen table gives no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


class Resolved(NamedTuple):
    """A live token's user and credentials epoch, and how far the users' log had got."""

    username: str
    epoch: int
    users_at: int | None


class TokenStore:
    """Issued tokens, in the read models' SQL store, by digest with their user, epoch and expiry
    (`table`: the API's tokens, or the pages' sessions).

    `users_at` is a query, in the same database, for the last notification id of the users'
    event log: read with the token, it spares each request a second round trip to learn
    whether any user has changed since (PostgreSQL keeps both in one database).
    """

    def __init__(self, store: SqlStore, users_at: str | None = None, table: str = TOKENS) -> None:
        if table not in (TOKENS, PAGE_SESSIONS):
            raise ValueError(f"no token table {table!r}")
        self.store = store
        self.users_at = f"({users_at})" if users_at else "NULL"
        self.table = table

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLE.replace(TOKENS, self.table))

    def issue(self, user: UserRecord, now: datetime, ttl: timedelta) -> tuple[str, datetime]:
        """A new token for the user at their current epoch, and when it expires."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        expires_at = now + ttl
        with self.store.write() as sql:
            # The user's expired tokens go as a new one comes, so the table stays small.
            sql.execute(
                f"DELETE FROM {self.table} "  # noqa: S608 - one of two fixed names
                "WHERE username=%(username)s AND expires_at <= %(now)s",
                {"username": user.username, "now": self.store.to_db_time(now)},
            )
            sql.execute(
                f"INSERT INTO {self.table} (digest, username, epoch, issued_at, expires_at) "  # noqa: S608
                "VALUES (%(digest)s, %(username)s, %(epoch)s, %(issued_at)s, %(expires_at)s)",
                {
                    "digest": digest(token),
                    "username": user.username,
                    "epoch": user.credentials_epoch,
                    "issued_at": self.store.to_db_time(now),
                    "expires_at": self.store.to_db_time(expires_at),
                },
            )
        return token, expires_at

    def resolve(self, token: str, now: datetime) -> Resolved | None:
        """The user and epoch of a token that is known and not expired, else None."""
        if not isinstance(token, str) or not token:
            return None
        with self.store.read() as sql:
            row = sql.execute(
                f"SELECT username, epoch, {self.users_at} AS users_at FROM {self.table} "  # noqa: S608 - the library's own statement
                "WHERE digest=%(digest)s AND expires_at > %(now)s",
                {"digest": digest(token), "now": self.store.to_db_time(now)},
            ).fetchone()
        if row is None:
            return None
        users_at = row["users_at"]
        return Resolved(str(row["username"]), int(row["epoch"]), users_at and int(users_at))

    def revoke(self, token: str) -> bool:
        """Forget one token (signing out); whether it was known."""
        with self.store.write() as sql:
            deleted = sql.execute(
                f"DELETE FROM {self.table} WHERE digest=%(digest)s",  # noqa: S608
                {"digest": digest(token)},
            ).rowcount
        return deleted > 0

    def revoke_user(self, username: str) -> int:
        """Forget every token of a user; how many there were."""
        with self.store.write() as sql:
            return sql.execute(
                f"DELETE FROM {self.table} WHERE username=%(username)s",  # noqa: S608
                {"username": username},
            ).rowcount

    def purge_expired(self, now: datetime) -> int:
        """Forget tokens that have expired; how many there were."""
        with self.store.write() as sql:
            return sql.execute(
                f"DELETE FROM {self.table} WHERE expires_at <= %(now)s",  # noqa: S608
                {"now": self.store.to_db_time(now)},
            ).rowcount


class Authenticator:
    """Signing in (a bearer token for the API, a session for the pages) and recognising whose
    token or session it is; the commands that must also end them."""

    def __init__(
        self,
        accounts: Accounts,
        tokens: TokenStore,
        clock: Callable[[], datetime],
        ttl: timedelta,
        sessions: TokenStore | None = None,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.accounts = accounts
        self.tokens = tokens
        self.sessions = sessions or TokenStore(tokens.store, table=PAGE_SESSIONS)
        self.clock = clock
        self.ttl = ttl
        # Page sessions expire with their cookie, whose lifetime the browser counts in real
        # time, whatever clock the service's commands are given.
        self.wall_clock = wall_clock

    def login(self, username: str, password: str) -> tuple[str, datetime, UserRecord]:
        """A new token for the user, when it expires, and the user; InvalidCredentialsError."""
        user = self.accounts.authenticate(username, password)
        token, expires_at = self.tokens.issue(user, self.clock(), self.ttl)
        return token, expires_at, user

    def logout(self, token: str) -> bool:
        """End one token's session; whether it was known."""
        return self.tokens.revoke(token)

    def principal_for(self, token: str) -> UserRecord | None:
        """The active user a live token was issued to at their current epoch, else None."""
        return self._holder(self.tokens.resolve(token, self.clock()))

    def open_session(self, username: str, password: str, ttl: timedelta) -> tuple[str, UserRecord]:
        """Sign in on the pages: a new session's id, kept in the store until it is closed or
        expires, and the user; InvalidCredentialsError."""
        user = self.accounts.authenticate(username, password)
        session_id, _ = self.sessions.issue(user, self.wall_clock(), ttl)
        return session_id, user

    def session_user(self, session_id: str) -> UserRecord | None:
        """The active user of a page session still open at their current epoch, else None."""
        return self._holder(self.sessions.resolve(session_id, self.wall_clock()))

    def close_session(self, session_id: str) -> bool:
        """Sign out of one page session (this phone only); whether it was open."""
        return self.sessions.revoke(session_id)

    def _holder(self, found: Resolved | None) -> UserRecord | None:
        if found is None:
            return None
        user = self.accounts.find_user(found.username, seen_up_to=found.users_at)
        if user is None or not user.active or user.credentials_epoch != found.epoch:
            return None
        return user

    def _end_all(self, username: str) -> None:
        name = self.accounts.get_user(username).username
        self.tokens.revoke_user(name)
        self.sessions.revoke_user(name)

    def change_password(self, username: str, *, password: str, actor: str) -> None:
        """Set a user's password and end their sessions."""
        self.accounts.change_password(username, password=password, actor=actor)
        self._end_all(username)

    def change_role(
        self,
        username: str,
        *,
        role: str,
        blocks: Sequence[str] = (),
        partner_id: UUID | None = None,
        actor: str,
    ) -> None:
        """Give a user another role or scope and end their sessions."""
        self.accounts.change_role(
            username, role=role, blocks=blocks, partner_id=partner_id, actor=actor
        )
        self._end_all(username)

    def disable(self, username: str, *, reason: str = "", actor: str) -> None:
        """Stop a user signing in and end their sessions."""
        self.accounts.disable_user(username, reason=reason, actor=actor)
        self._end_all(username)
