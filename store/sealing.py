"""Sealing personal values with the household's key as events are stored, and opening them as
they are read. Each personal value is stored as {"c": its commitment}; the event's `salt` field
holds {"x": one AES-GCM ciphertext of the salt and every value}, with the case, version and all
commitments as associated data (one cipher call per event, and no envelope can be swapped or
its commitment changed unnoticed). Without the key (an erased household) a value reads as
Erased(commitment), so the chain still verifies. Any context seals this way: it says which
household an event names (`household_named`), and a subject's first event names its household
for good; an event of a subject that names none (a block-wide record) is not sealed."""

from __future__ import annotations

import base64
import functools
import json
import os
import secrets
from collections.abc import Callable, Container, Sequence
from dataclasses import is_dataclass, replace
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import AggregateRecorder, Mapper, StoredEvent

from store.chain import Erased, commitment, get_path
from store.errors import HouseholdErasedError, KeyStoreLostError, SealBrokenError
from store.keystore import KeyStore

_SALT = "salt"
_REMEMBERED_CASES = 100_000  # case → household, kept per process (a few MB at most)


def household_of_case(event: Any) -> UUID | None:
    """The household a case's event names: a need's first event carries it."""
    household = event.__dict__.get("household")
    return household.id if household is not None else None


class SealingMapper(Mapper[UUID]):
    """The library's mapper, with every event's personal values sealed per household."""

    def __init__(
        self,
        base: Mapper[UUID],
        keys: KeyStore | None,
        household_named: Callable[[Any], UUID | None] = household_of_case,
    ) -> None:
        super().__init__(base.transcoder, base.compressor, base.cipher)
        self.keys = keys
        self.household_named = household_named
        self.recorder: AggregateRecorder | None = None  # where a subject's first event is read
        self._households: dict[UUID, UUID | None] = {}

    def household_of(self, subject_id: UUID) -> UUID | None:
        """The household a case (or record) belongs to, from its first event (never
        personal data); None when that event names none."""
        if subject_id in self._households:
            return self._households[subject_id]
        known = None
        if self.recorder is not None:
            for stored in self.recorder.select_events(subject_id, lte=1):
                known = self.household_in(stored)
        return known

    def household_in(self, first: StoredEvent) -> UUID | None:
        """The household named by a subject's first event, read without opening its seal."""
        event: Any = super().to_domain_event(first)
        return self._remember(event.originator_id, self.household_named(event))

    def _remember(self, subject_id: UUID, household_id: UUID | None) -> UUID | None:
        if len(self._households) >= _REMEMBERED_CASES:
            self._households.clear()
        self._households[subject_id] = household_id
        return household_id

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        personal = getattr(type(domain_event), "personal", ())
        if not personal or self.keys is None:  # in memory, in tests: nothing reaches a disk
            return super().to_stored_event(domain_event)
        sealed = object.__new__(type(domain_event))
        object.__setattr__(sealed, "__dict__", self._seal(domain_event, personal))
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event: Any = super().to_domain_event(stored_event)
        personal = getattr(type(event), "personal", ())
        if personal:
            self._open(event, personal)
        return event

    def to_domain_events(
        self, stored_events: Sequence[StoredEvent], opened: Container[type[Any]] | None = None
    ) -> list[Any]:
        """Many events at once, their households' keys read together; with `opened`, only
        events of those classes have their seals opened, the others left sealed."""
        decode = super().to_domain_event
        events: list[Any] = [decode(stored) for stored in stored_events]
        sealed = []
        for event in events:
            event_class = type(event)
            personal = getattr(event_class, "personal", ())
            if personal and (opened is None or event_class in opened):
                named = self.household_named(event)
                if named is not None and event.originator_version == 1:
                    self._remember(event.originator_id, named)
                if isinstance(event.__dict__.get(_SALT), dict):
                    sealed.append((event, personal, named))
        if sealed and self.keys is not None:
            households = [n or self.household_of(e.originator_id) for e, _, n in sealed]
            keys = self.keys.keys_for(h for h in households if h is not None)
            for (event, personal, _), household_id in zip(sealed, households, strict=True):
                key = keys.get(household_id) if household_id is not None else None
                self._open(event, personal, household_id, key)
        else:
            for event, personal, _ in sealed:
                self._open(event, personal)
        return events

    # --- sealing -----------------------------------------------------------------------

    def _seal(self, event: Any, personal: tuple[str, ...]) -> dict[str, Any]:
        state = dict(vars(event))
        named = self.household_named(event)
        if named is None and event.originator_version == 1:
            self._remember(event.originator_id, None)
            return state  # a subject of no household (a block-wide record): CIPHER_KEY only
        key = self._key_to_seal(named, event.originator_id, event.originator_version)
        if key is None:
            return _unsealed_if_empty(state, personal)
        # An event without a salt of its own (no hash chain) gets one for its commitments.
        salt = state[_SALT] if _declares_salt(type(event)) else secrets.token_hex(16)
        values, commitments = [], []
        for path in personal:
            value = get_path(state, path)
            if not isinstance(value, str):
                raise TypeError(f"{path} must be text, not {type(value).__name__}")
            committed = commitment(salt, path, value)
            values.append(value)
            commitments.append(committed)
            _set_path(state, path, {"c": committed})
        plain = json.dumps({"salt": salt, "values": values}, ensure_ascii=False).encode()
        nonce = os.urandom(12)
        aad = _aad(event.originator_id, event.originator_version, commitments)
        sealed = AESGCM(key).encrypt(nonce, plain, aad)
        state[_SALT] = {"x": base64.b64encode(nonce + sealed).decode()}
        return state

    def _key_to_seal(self, named: UUID | None, subject_id: UUID, version: int) -> bytes | None:
        """The household's key; None for an erased household (whose key is gone)."""
        assert self.keys is not None
        if named is not None and version == 1:
            self._remember(subject_id, named)
            return self.keys.key_for_new_case(named)
        known = named or self.household_of(subject_id)
        key = self.keys.key(known) if known is not None else None
        if key is None and (known is None or self.keys.tombstone(known) is None):
            raise KeyStoreLostError(
                f"{subject_id} has no household key and was never erased; restore the "
                "key store from its backup (flask --app web keys restore FILE)"
            )
        return key

    # --- opening -----------------------------------------------------------------------

    def _open(
        self,
        event: Any,
        personal: tuple[str, ...],
        household_id: UUID | None = None,
        key: bytes | None = None,
    ) -> None:
        """Open the event's seal in place; a batch passes the household and its key."""
        state = event.__dict__
        sealed_salt = state.get(_SALT)
        if not isinstance(sealed_salt, dict):
            return  # stored without a key: an erased case's empty values, a block's record
        subject_id, version = state["originator_id"], state["originator_version"]
        keys = self.keys
        if keys is None:
            raise KeyStoreLostError(
                f"{subject_id} holds sealed personal data but this application was built "
                "without the household key store"
            )
        if household_id is None:
            household_id = self.household_named(event) or self.household_of(subject_id)
            key = keys.key(household_id) if household_id is not None else None
        if key is None:
            _erase(keys, state, personal, household_id, subject_id)
            _drop_lent_salt(event)
            return
        commitments = [_commitment_at(state, path) for path in personal]
        try:
            raw = base64.b64decode(sealed_salt["x"])
            aad = _aad(subject_id, version, commitments)
            opened = json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], aad))
        except (InvalidTag, ValueError, KeyError):
            raise SealBrokenError(
                f"need {subject_id} version {version}: its personal data does not open with "
                "its key (altered)"
            ) from None
        state[_SALT] = opened["salt"]
        for path, value in zip(personal, opened["values"], strict=True):
            _replace_in_place(state, path, value)
        _drop_lent_salt(event)


_SALTED: dict[type, bool] = {}


def _declares_salt(event_class: type) -> bool:
    if event_class not in _SALTED:
        _SALTED[event_class] = any(
            _SALT in getattr(k, "__annotations__", {}) for k in event_class.__mro__
        )
    return _SALTED[event_class]


def _drop_lent_salt(event: Any) -> None:
    """An event class without a salt of its own reads back as it was written."""
    if not _declares_salt(type(event)):
        event.__dict__.pop(_SALT, None)


def _erase(
    keys: KeyStore,
    state: dict[str, Any],
    personal: tuple[str, ...],
    household_id: UUID | None,
    subject_id: UUID,
) -> None:
    """Without its key, a value of a tombstoned household reads as Erased(commitment)."""
    if household_id is None or keys.tombstone(household_id) is None:
        raise KeyStoreLostError(
            f"the key for {subject_id} is missing and its household was never "
            "erased: the key store is lost; restore it (flask --app web keys restore FILE)"
        )
    state[_SALT] = Erased("")
    for path in personal:
        _replace_in_place(state, path, Erased(_commitment_at(state, path)))


def _aad(subject_id: UUID, version: int, commitments: list[str]) -> bytes:
    return "|".join([str(subject_id), str(version), *commitments]).encode()


def _commitment_at(state: dict[str, Any], path: str) -> str:
    envelope = _at(state, _parts(path))
    return str(envelope.get("c", "")) if isinstance(envelope, dict) else ""


@functools.cache
def _parts(path: str) -> tuple[str, ...]:
    """A dotted path's names: the few paths of the event classes, split once."""
    return tuple(path.split("."))


def _at(state: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The value at a path's names, as store.chain.get_path finds it."""
    value = state.get(names[0])
    for name in names[1:]:
        value = value.get(name) if isinstance(value, dict) else getattr(value, name)
    return value


def _unsealed_if_empty(state: dict[str, Any], personal: tuple[str, ...]) -> dict[str, Any]:
    """An erased household's case may still move on, with nothing personal to keep."""
    if any(get_path(state, path) for path in personal):
        raise HouseholdErasedError("the household's personal data was erased")
    return state


def _set_path(state: dict[str, Any], path: str, value: Any) -> None:
    """Set a value in the event's own copy of its state; a record is copied, never changed."""
    head, _, rest = path.partition(".")
    if not rest:
        state[head] = value
        return
    inner = state[head]
    if is_dataclass(inner) and not isinstance(inner, type):
        state[head] = replace(inner, **{rest: value})
    else:
        state[head] = dict(inner)
        _set_path(state[head], rest, value)


def _replace_in_place(state: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = _parts(path)
    target: Any = state
    for name in parents:
        target = target[name] if isinstance(target, dict) else getattr(target, name)
    if isinstance(target, dict):
        target[last] = value
    else:
        object.__setattr__(target, last, value)
