"""How the contexts' enums, dates and records are written to the event store and snapshots."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding


class EnumAsValue(Transcoding):
    """An enum member stored as its code, so renaming a member never breaks old events; under
    the enum's name, or under the `name` its stored events already carry."""

    def __init__(self, enum: type[Enum], name: str | None = None) -> None:
        self.type = enum
        self.name = name or f"enum:{enum.__name__}"

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        member: Enum = self.type(data)
        return member


class RecordAsDict(Transcoding):
    """A dataclass record stored as a dict of its fields (nested values transcode in turn)."""

    def __init__(self, record: type) -> None:
        self.type = record
        self.name = f"record:{record.__name__}"
        self._names = tuple(f.name for f in fields(record))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._names}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


class DateAsISO(Transcoding):
    """A calendar date as YYYY-MM-DD."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_all(
    transcoder: JSONTranscoder, enums: tuple[type[Enum], ...], records: tuple[type, ...]
) -> None:
    """Register every enum and record the context stores, plus calendar dates."""
    transcoder.register(DateAsISO())
    for enum in enums:
        transcoder.register(EnumAsValue(enum))
    for record in records:
        transcoder.register(RecordAsDict(record))
