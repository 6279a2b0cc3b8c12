"""Tamper evidence: every event of a case carries a hash chained to the one before it.

A personal value enters the hash only as its commitment, sha256(salt | path | value), with a
secret salt per event: once the household's key is destroyed the value is gone, but its
commitment is kept beside the ciphertext, so the chain of an erased case still verifies."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast
from uuid import UUID

GENESIS = ""
# Attributes that are not the event's own content (or are the chain itself).
_NOT_CONTENT = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "chain", "salt"}
)
# Attributes events gained after the first release: out of the content while None, so an
# event stored before them (upcast to None) hashes as it always did; in it once they name
# something (the command an event came from, why a case was assigned).
_ADDED_LATER = frozenset({"command_id", "reason"})
ERASED_TEXT = "[erased]"


class Erased(str):
    """A personal value whose key was destroyed: reads as `[erased]`, keeps its commitment."""

    commitment: str

    def __new__(cls, commitment: str) -> Erased:
        value = super().__new__(cls, ERASED_TEXT)
        value.commitment = commitment
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return (Erased, (self.commitment,))

    def __deepcopy__(self, memo: Any) -> Erased:
        return self


def commitment(salt: str, path: str, value: Any) -> str:
    """What the chain hashes in place of a personal value."""
    if isinstance(value, Erased):
        return value.commitment
    plain_value = value if isinstance(value, str) else canonical(value)
    body = json.dumps(plain_value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{salt}|{path}|{body}".encode()).hexdigest()


def get_path(state: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path through dicts and records."""
    head, _, rest = path.partition(".")
    value = state.get(head)
    for name in rest.split(".") if rest else ():
        value = value.get(name) if isinstance(value, dict) else getattr(value, name)
    return value


def committed(content: Mapping[str, Any], personal: tuple[str, ...], salt: str) -> dict[str, Any]:
    """The content as the chain sees it: each personal value replaced by its commitment."""
    plain_content = canonical(
        {
            k: v
            for k, v in content.items()
            if k not in _NOT_CONTENT and not (k in _ADDED_LATER and v is None)
        }
    )
    for path in personal:
        value = commitment(salt, path, get_path(content, path))
        *parents, last = path.split(".")
        target = plain_content
        for name in parents:
            target = target[name]
        target[last] = value
    return cast(dict[str, Any], plain_content)


def canonical(value: Any) -> Any:
    """A value as plain JSON data that reads the same after a round trip through the store."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    return value


def link(
    previous: str,
    case: UUID,
    version: int,
    kind: str,
    recorded_at: datetime,
    content: Mapping[str, Any],
    personal: tuple[str, ...] = (),
) -> str:
    """The hash of one event: its case, place, type, recorded time and content, after `previous`."""
    body = json.dumps(
        {
            "previous": previous,
            "case": str(case),
            "version": version,
            "type": kind,
            "recorded_at": canonical(recorded_at),
            "content": committed(content, personal, str(content.get("salt", ""))),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def link_of(event: Any, previous: str) -> str:
    """The hash an event read back from the store should carry."""
    return link(
        previous,
        event.originator_id,
        event.originator_version,
        type(event).__name__,
        event.timestamp,
        event.__dict__,
        getattr(type(event), "personal", ()),
    )
