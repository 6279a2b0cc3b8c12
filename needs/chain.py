"""Tamper evidence: every event of a case carries a hash chained to the one before it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

GENESIS = ""
# Attributes that are not the event's own content (or are the chain itself).
_NOT_CONTENT = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "chain"}
)


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
) -> str:
    """The hash of one event: its case, place, type, recorded time and content, after `previous`."""
    body = json.dumps(
        {
            "previous": previous,
            "case": str(case),
            "version": version,
            "type": kind,
            "recorded_at": canonical(recorded_at),
            "content": canonical({k: v for k, v in content.items() if k not in _NOT_CONTENT}),
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
    )
