"""The address index: the one place a household is found by where it lives. An address is kept
only as a digest keyed from CIPHER_KEY, so the index finds a household without storing its
address; digests made under a key being rotated away still find it until they are moved."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from uuid import UUID

from store.sqlstore import Sql, SqlStore

_CHUNK = 500  # digests a statement, well inside either database's limit on parameters
# A household's address as its registration gave it: (id, community, block, building, unit, room).
Registration = tuple[UUID, str, str, int, str, str]


def address_digest(
    key: bytes, community: str, block: str, building: int, unit: str, room: str
) -> str:
    """A keyed digest of an address: finds a household without storing where it is."""
    address = "|".join(
        [community, block, str(building), unit.strip().casefold(), room.strip().casefold()]
    )
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


class AddressIndex:
    """Households by address digest, in the duties' `duty_households` rows."""

    store: SqlStore
    address_key: bytes
    previous_address_keys: tuple[bytes, ...]

    def _digest(self, community: str, block: str, building: int, unit: str, room: str) -> str:
        return address_digest(self.address_key, community, block, building, unit, room)

    def find_household(
        self, community: str, block: str, building: int, unit: str, room: str
    ) -> UUID | None:
        """The household registered at this address, if any (the first, should two be)."""
        with self.store.read() as sql:
            for key in (self.address_key, *self.previous_address_keys):
                digest = address_digest(key, community, block, building, unit, room)
                row = sql.execute(
                    "SELECT household_id FROM duty_households WHERE address_digest=%(d)s "
                    "ORDER BY registered_at, household_id LIMIT 1",
                    {"d": digest},
                ).fetchone()
                if row:
                    return UUID(row["household_id"])
        return None

    def find_households(
        self, community: str, addresses: Iterable[tuple[str, int, str, str]]
    ) -> dict[tuple[str, int, str, str], UUID]:
        """The households registered at these (block, building, unit, room) addresses, found
        a few hundred to a statement (a ledger's import); an address not found is left out."""
        wanted: dict[str, tuple[str, int, str, str]] = {}
        for address in addresses:
            block, building, unit, room = address
            for key in (self.address_key, *self.previous_address_keys):
                wanted[address_digest(key, community, block, building, unit, room)] = address
        found: dict[tuple[str, int, str, str], UUID] = {}
        digests = sorted(wanted)
        with self.store.read() as sql:
            for at in range(0, len(digests), _CHUNK):
                params = {f"d{i}": d for i, d in enumerate(digests[at : at + _CHUNK])}
                listed = ", ".join(f"%({name})s" for name in params)
                rows = sql.execute(
                    "SELECT household_id, address_digest FROM duty_households "  # noqa: S608
                    f"WHERE address_digest IN ({listed}) ORDER BY registered_at, household_id",
                    params,
                ).fetchall()
                for row in rows:
                    found.setdefault(wanted[row["address_digest"]], UUID(row["household_id"]))
        return found

    def move_digests(self, registrations: Iterable[Registration]) -> int:
        """Move each household's digest made under a previous key to the current key (a
        CIPHER_KEY rotation), in one transaction; returns how many moved. Safe to run again:
        a digest moved already, or erased, matches no previous key."""
        if not self.previous_address_keys:
            return 0
        moved = 0
        with self.store.write() as sql:
            for registration in registrations:
                moved += self._move_digest(sql, *registration)
        return moved

    def _move_digest(
        self,
        sql: Sql,
        household_id: UUID,
        community: str,
        block: str,
        building: int,
        unit: str,
        room: str,
    ) -> int:
        address = (community, block, building, unit, room)
        old = {
            f"old{i}": address_digest(key, *address)
            for i, key in enumerate(self.previous_address_keys)
        }
        matched = ", ".join(f"%({name})s" for name in old)
        return sql.execute(
            "UPDATE duty_households SET address_digest=%(new)s "  # noqa: S608
            f"WHERE household_id=%(h)s AND address_digest IN ({matched})",
            {
                **old,
                "new": self._digest(*address),
                "h": str(household_id),
            },
        ).rowcount
