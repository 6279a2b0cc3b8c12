"""The channel book: each owner's channels, one row each, in the store beside the read models.
What may not be shown again (a robot's URL and token, a signing secret, a gateway key, a phone)
is one AES-GCM ciphertext per channel, with the channel's id and owner as associated data, so a
sealed value cannot be moved to another channel unnoticed. Removing a channel deletes its row.
Keys: the current one seals, previous ones still open (a key rotation reads what came before)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from partners.channels import ChannelSettings
from partners.exceptions import ChannelNotFoundError
from store.sqlstore import SqlStore

_TABLES = """
CREATE TABLE IF NOT EXISTS channels (
    channel_id TEXT PRIMARY KEY, community TEXT NOT NULL, owner TEXT NOT NULL,
    kind TEXT NOT NULL, name TEXT NOT NULL, shown TEXT NOT NULL, sealed TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at {time} NOT NULL,
    last_test_at {time}, last_test_ok INTEGER, last_test_error TEXT);
CREATE INDEX IF NOT EXISTS channels_owner ON channels (owner)
"""
_NONCE = 12


def partner_owner(partner_id: UUID) -> str:
    """The owner key of a partner's channels."""
    return f"partner:{partner_id}"


def block_owner(block: str) -> str:
    """The owner key of a block's channels: its leader's and its volunteers' groups."""
    return f"block:{block}"


def secretary_owner(community: str) -> str:
    """The owner key of the secretary's channels in a community."""
    return f"secretary:{community}"


@dataclass(frozen=True)
class Channel:
    """One channel as it may be shown: never its sealed settings."""

    channel_id: UUID
    community: str
    owner: str
    kind: str
    name: str
    shown: dict[str, str]
    created_by: str
    created_at: datetime
    last_test_at: datetime | None
    last_test_ok: bool | None
    last_test_error: str | None


class ChannelBook:
    """Every owner's channels; `sealed()` opens a channel's secrets for the one who sends."""

    def __init__(self, store: SqlStore, key: bytes, previous_keys: tuple[bytes, ...] = ()) -> None:
        self.store = store
        self._current = AESGCM(key)
        self._all = [self._current, *(AESGCM(k) for k in previous_keys)]

    def create_tables(self) -> None:
        self.store.run_ddl(_TABLES)

    def add(
        self,
        community: str,
        owner: str,
        settings: ChannelSettings,
        *,
        actor: str,
        now: datetime,
        channel_id: UUID | None = None,
    ) -> UUID:
        """Keep a new channel (under `channel_id` if given; again, it is left as it is)."""
        channel_id = channel_id or uuid4()
        with self.store.write() as sql:
            sql.execute(
                "INSERT INTO channels (channel_id, community, owner, kind, name, shown, sealed, "
                "created_by, created_at) VALUES (%(id)s, %(community)s, %(owner)s, %(kind)s, "
                "%(name)s, %(shown)s, %(sealed)s, %(actor)s, %(at)s) "
                "ON CONFLICT (channel_id) DO NOTHING",
                {
                    "id": str(channel_id),
                    "community": community,
                    "owner": owner,
                    "kind": settings.kind,
                    "name": settings.name,
                    "shown": json.dumps(settings.shown, ensure_ascii=False),
                    "sealed": self._seal(channel_id, owner, settings.sealed),
                    "actor": actor,
                    "at": self.store.to_db_time(now),
                },
            )
        return channel_id

    def remove(self, community: str, owner: str, channel_id: UUID) -> None:
        """Forget a channel of this owner; ChannelNotFoundError when it has none by that id."""
        with self.store.write() as sql:
            gone = sql.execute(
                "DELETE FROM channels WHERE channel_id=%(id)s AND owner=%(owner)s "
                "AND community=%(community)s",
                {"id": str(channel_id), "owner": owner, "community": community},
            ).rowcount
        if not gone:
            raise ChannelNotFoundError(channel_id)

    def record_test(self, channel_id: UUID, now: datetime, ok: bool, error: str | None) -> None:
        """Remember how the last test message went."""
        with self.store.write() as sql:
            sql.execute(
                "UPDATE channels SET last_test_at=%(at)s, last_test_ok=%(ok)s, "
                "last_test_error=%(error)s WHERE channel_id=%(id)s",
                {
                    "id": str(channel_id),
                    "at": self.store.to_db_time(now),
                    "ok": 1 if ok else 0,
                    "error": error,
                },
            )

    def list_channels(self, community: str, owner: str) -> list[Channel]:
        """An owner's channels, the oldest first."""
        with self.store.read() as sql:
            rows = sql.execute(
                "SELECT * FROM channels WHERE owner=%(owner)s AND community=%(community)s "
                "ORDER BY created_at, channel_id",
                {"owner": owner, "community": community},
            ).fetchall()
        return [self._channel(row) for row in rows]

    def get(self, community: str, channel_id: UUID) -> Channel:
        """One channel of the community; ChannelNotFoundError when there is none."""
        return self._channel(self._row(community, channel_id))

    def sealed(self, community: str, channel_id: UUID) -> dict[str, str]:
        """A channel's sealed settings, opened: for sending only, never for showing."""
        row = self._row(community, channel_id)
        return self._open(channel_id, row["owner"], row["sealed"])

    def reseal(self, batch: int = 500) -> int:
        """Seal again, under the current key, every channel sealed under a previous one (a
        CIPHER_KEY rotation); safe to run again. How many were sealed again."""
        changed, after = 0, ""
        while True:
            with self.store.write() as sql:
                rows = sql.execute(
                    "SELECT channel_id, owner, sealed FROM channels WHERE channel_id > %(after)s "
                    "ORDER BY channel_id LIMIT %(n)s",
                    {"after": after, "n": batch},
                ).fetchall()
                for row in rows:
                    channel_id = UUID(row["channel_id"])
                    values, current = self._opened(channel_id, row["owner"], row["sealed"])
                    if current:
                        continue
                    sql.execute(
                        "UPDATE channels SET sealed=%(sealed)s WHERE channel_id=%(id)s",
                        {
                            "id": str(channel_id),
                            "sealed": self._seal(channel_id, row["owner"], values),
                        },
                    )
                    changed += 1
            if len(rows) < batch:
                return changed
            after = rows[-1]["channel_id"]

    def _row(self, community: str, channel_id: UUID) -> dict[str, Any]:
        with self.store.read() as sql:
            row = sql.execute(
                "SELECT * FROM channels WHERE channel_id=%(id)s AND community=%(community)s",
                {"id": str(channel_id), "community": community},
            ).fetchone()
        if row is None:
            raise ChannelNotFoundError(channel_id)
        return row

    def _seal(self, channel_id: UUID, owner: str, values: dict[str, str]) -> str:
        nonce = os.urandom(_NONCE)
        data = json.dumps(values, ensure_ascii=False).encode()
        sealed = self._current.encrypt(nonce, data, f"{channel_id}|{owner}".encode())
        return (nonce + sealed).hex()

    def _open(self, channel_id: UUID, owner: str, text: str) -> dict[str, str]:
        return self._opened(channel_id, owner, text)[0]

    def _opened(self, channel_id: UUID, owner: str, text: str) -> tuple[dict[str, str], bool]:
        """The sealed settings, and whether the current key sealed them."""
        raw = bytes.fromhex(text)
        for cipher in self._all:
            try:
                data = cipher.decrypt(raw[:_NONCE], raw[_NONCE:], f"{channel_id}|{owner}".encode())
            except InvalidTag:
                continue
            return dict(json.loads(data)), cipher is self._current
        raise ValueError(f"channel {channel_id}'s settings open with no configured key")

    def _channel(self, row: dict[str, Any]) -> Channel:
        tested = row["last_test_ok"]
        return Channel(
            channel_id=UUID(row["channel_id"]),
            community=row["community"],
            owner=row["owner"],
            kind=row["kind"],
            name=row["name"],
            shown=dict(json.loads(row["shown"])),
            created_by=row["created_by"],
            created_at=self.store.from_db_time(row["created_at"]) or datetime.min,
            last_test_at=self.store.from_db_time(row["last_test_at"]),
            last_test_ok=None if tested is None else bool(tested),
            last_test_error=row["last_test_error"],
        )
