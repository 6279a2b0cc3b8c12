"""Sealing personal values with the household's key as events are stored, and opening them as
they are read. Each personal value is stored as {"c": its commitment}; the event's `salt` field
holds {"x": one AES-GCM ciphertext of the salt and every value}, with the case, version and all
commitments as associated data (one cipher call per event, and no envelope can be swapped or
its commitment changed unnoticed). Without the key (an erased household) a value reads as
Erased(commitment), so the chain still verifies."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import is_dataclass, replace
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import AggregateRecorder, Mapper, StoredEvent

from needs.chain import Erased, commitment, get_path
from needs.exceptions import HouseholdErasedError, KeyStoreLostError, SealBrokenError
from needs.keystore import KeyStore

_SALT = "salt"
_REMEMBERED_CASES = 100_000  # case → household, kept per process (a few MB at most)


class SealingMapper(Mapper[UUID]):
    """The library's mapper, with every event's personal values sealed per household."""

    def __init__(self, base: Mapper[UUID], keys: KeyStore | None) -> None:
        super().__init__(base.transcoder, base.compressor, base.cipher)
        self.keys = keys
        self.recorder: AggregateRecorder | None = None  # where a case's first event is read
        self._households: dict[UUID, UUID] = {}

    def household_of(self, need_id: UUID) -> UUID | None:
        """The household a case belongs to, from its first event (never personal data)."""
        known = self._households.get(need_id)
        if known is None and self.recorder is not None:
            for stored in self.recorder.select_events(need_id, lte=1):
                known = self.household_in(stored)
        return known

    def household_in(self, first: StoredEvent) -> UUID:
        """The household named by a case's first event, read without opening its seal."""
        logged: Any = super().to_domain_event(first)
        return self._remember(logged.originator_id, logged.household.id)

    def _remember(self, need_id: UUID, household_id: UUID) -> UUID:
        if len(self._households) >= _REMEMBERED_CASES:
            self._households.clear()
        self._households[need_id] = household_id
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
            self._open(event.__dict__, personal)
        return event

    # --- sealing -----------------------------------------------------------------------

    def _seal(self, event: Any, personal: tuple[str, ...]) -> dict[str, Any]:
        state = dict(vars(event))
        key = self._key_to_seal(state, event.originator_id, event.originator_version)
        if key is None:
            return _unsealed_if_empty(state, personal)
        salt, values, commitments = state[_SALT], [], []
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

    def _key_to_seal(self, state: dict[str, Any], subject_id: UUID, version: int) -> bytes | None:
        """The household's key; None for an erased household (whose key is gone)."""
        assert self.keys is not None
        household = state.get("household")
        if household is not None and version == 1:
            return self.keys.key_for_new_case(self._remember(subject_id, household.id))
        known = self.household_of(subject_id)
        key = self.keys.key(known) if known is not None else None
        if key is None and (known is None or self.keys.tombstone(known) is None):
            raise KeyStoreLostError(
                f"need {subject_id} has no household key and was never erased; restore the "
                "key store from its backup (flask --app web keys restore FILE)"
            )
        return key

    # --- opening -----------------------------------------------------------------------

    def _open(self, state: dict[str, Any], personal: tuple[str, ...]) -> None:
        sealed_salt = state.get(_SALT)
        if not isinstance(sealed_salt, dict):
            return  # stored without a key: an erased case's empty values
        subject_id, version = state["originator_id"], state["originator_version"]
        keys = self.keys
        if keys is None:
            raise KeyStoreLostError(
                f"need {subject_id} holds sealed personal data but this application was built "
                "without the household key store"
            )
        household = state.get("household")
        household_id = household.id if household is not None else None
        household_id = household_id or self.household_of(subject_id)
        key = keys.key(household_id) if household_id is not None else None
        if key is None:
            _erase(keys, state, personal, household_id, subject_id)
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
            f"the key for need {subject_id} is missing and its household was never "
            "erased: the key store is lost; restore it (flask --app web keys restore FILE)"
        )
    state[_SALT] = Erased("")
    for path in personal:
        _replace_in_place(state, path, Erased(_commitment_at(state, path)))


def _aad(subject_id: UUID, version: int, commitments: list[str]) -> bytes:
    return "|".join([str(subject_id), str(version), *commitments]).encode()


def _commitment_at(state: dict[str, Any], path: str) -> str:
    envelope = get_path(state, path)
    return str(envelope.get("c", "")) if isinstance(envelope, dict) else ""


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
    *parents, last = path.split(".")
    target: Any = state
    for name in parents:
        target = target[name] if isinstance(target, dict) else getattr(target, name)
    if isinstance(target, dict):
        target[last] = value
    else:
        object.__setattr__(target, last, value)
