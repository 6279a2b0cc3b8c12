"""This process's decrypted household keys, and the households it found not erased, trusted only
under the erasure generation they were read under. The key store counts its erasures in its own
database (the generation); a process reads that count again whenever it last read it more than
TRUSTED_SECONDS ago, and drops everything it holds when it moved. An erasure, once the key is
deleted and the count moved, waits TRUSTED_SECONDS before it returns (`KeyStore.destroy_key`):
by then no process still trusts a count it read before, so none opens the household's values
again. (A read is trusted from the moment it began, so a slow read only shortens its trust.)"""

from __future__ import annotations

import threading
from collections.abc import Callable
from uuid import UUID

# How long a process trusts the erasure generation it last read. Each opening of a sealed value
# compares a clock with this; the store is read again at most this often per process.
TRUSTED_SECONDS = 0.25
CACHED_KEYS = 1024  # past this, expired keys are dropped from memory at once


class KeyCache:
    """Keys by household, each with when it expires and the generation it was read under."""

    def __init__(
        self,
        read_generation: Callable[[], int],
        *,
        ttl: float,
        checked_for: float,
        monotonic: Callable[[], float],
    ) -> None:
        self._read_generation = read_generation
        self.ttl = ttl
        self.checked_for = checked_for
        self.monotonic = monotonic
        self._keys: dict[UUID, tuple[bytes, float, int]] = {}
        self._checked: dict[UUID, tuple[float, int]] = {}  # found not erased: until when
        self._generation = -1  # none read yet
        self._read_at = float("-inf")  # when the read of the generation held began
        self._lock = threading.Lock()

    def generation(self) -> int:
        """The erasure generation, read again from the store once it is TRUSTED_SECONDS old;
        when it moved, every key and check held is dropped. Read before a key is looked up, and
        given back with it to `keep`."""
        now = self.monotonic()
        # Without the lock: an older generation read here with a newer time only makes a key
        # look absent, and what is read under it is not kept.
        if now < self._read_at + TRUSTED_SECONDS:
            return self._generation
        seen = self._read_generation()  # began at `now`: what it saw is trusted from then
        with self._lock:
            if now >= self._read_at:  # a read that began later wins over this one
                if seen != self._generation:
                    self._keys.clear()
                    self._checked.clear()
                    self._generation = seen
                self._read_at = now
            return self._generation

    def key(self, household_id: UUID, generation: int) -> bytes | None:
        """The household's key, if held, unexpired, and read under this generation."""
        with self._lock:
            held = self._keys.get(household_id)
            current = self._generation
        if held is None or held[2] != generation or generation != current:
            return None
        return held[0] if held[1] > self.monotonic() else None

    def keep(self, keys: dict[UUID, bytes], generation: int) -> None:
        """Hold keys read from the store under `generation` (dropped if it has moved since)."""
        now = self.monotonic()
        expires = now + self.ttl
        with self._lock:
            if generation != self._generation:
                return
            for household_id, key in keys.items():
                if len(self._keys) >= CACHED_KEYS:
                    self._keys = {h: kept for h, kept in self._keys.items() if kept[1] > now}
                    if len(self._keys) >= CACHED_KEYS:
                        # None expired yet (a rebuild reads many households at once): drop the
                        # older half, or every new key would copy the whole cache again.
                        self._keys = dict(list(self._keys.items())[CACHED_KEYS // 2 :])
                self._keys[household_id] = (key, expires, generation)

    def checked(self, household_id: UUID, generation: int) -> bool:
        """Whether the household was found not erased moments ago, under this generation."""
        with self._lock:
            found = self._checked.get(household_id)
            current = self._generation
        return (
            found is not None and found[1] == generation == current and found[0] > self.monotonic()
        )

    def not_erased(self, household_id: UUID, generation: int) -> None:
        now = self.monotonic()
        with self._lock:
            if generation != self._generation:
                return
            if len(self._checked) >= CACHED_KEYS:
                self._checked = {h: c for h, c in self._checked.items() if c[0] > now}
            self._checked[household_id] = (now + self.checked_for, generation)

    def forget(self, household_id: UUID) -> None:
        with self._lock:
            self._keys.pop(household_id, None)
            self._checked.pop(household_id, None)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
            self._checked.clear()
            self._read_at = float("-inf")
