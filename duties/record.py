"""The Record aggregate: one of the five must-records, about a household or a whole block."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from duties.exceptions import RecordNotTurnableError
from duties.rules import RECORD_KINDS, TURNS_INTO_NEED, code
from duties.values import text
from kernel.checks import Stamp
from store.chain import Erased
from store.commands import CommandEvent


class Record(Aggregate):
    """A concern, family in difficulty, special population, good deed or suggestion, as noted."""

    erased_at = cast("datetime | None", None)  # records made before erasure existed

    class Event(CommandEvent, Aggregate.Event):
        actor: str
        occurred_at: datetime

    class RecordMade(Event, Aggregate.Created):
        personal: ClassVar[tuple[str, ...]] = ("text",)
        community: str
        block: str
        household_id: UUID | None
        kind: str
        text: str

    def __init__(
        self,
        community: str,
        block: str,
        household_id: UUID | None,
        kind: str,
        text: str,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.community = community
        self.block = block
        self.household_id = household_id
        self.kind = kind
        self.text = text
        self.made_by = actor
        self.made_at = occurred_at
        self.need_id: UUID | None = None

    @classmethod
    def make(
        cls,
        *,
        community: str,
        block: str,
        household_id: UUID | None,
        kind: str,
        text_: str,
        stamp: Stamp,
        record_id: UUID | None = None,
    ) -> Record:
        """Make a record (under `record_id` if given); the caller has checked the block and
        the household."""
        return cls._create(
            cls.RecordMade,
            id=record_id or uuid4(),
            community=community,
            block=block,
            household_id=household_id,
            kind=code(kind, RECORD_KINDS, "kind"),
            text=text(text_, "text"),
            **stamp.event_kwargs(),
        )

    class RecordTurnedIntoNeed(Event):
        need_id: UUID
        category: str
        urgency: str

        def apply(self, record: Any) -> None:
            record.need_id = self.need_id

    def turn_into_need(self, need_id: UUID, category: str, urgency: str, stamp: Stamp) -> None:
        """Link the need that was logged from this record."""
        if self.kind not in TURNS_INTO_NEED:
            raise RecordNotTurnableError(f"a {self.kind} record does not become a need")
        if self.need_id == need_id:
            return
        if self.need_id is not None:
            raise RecordNotTurnableError(f"the record became need {self.need_id} already")
        self.trigger_event(
            self.RecordTurnedIntoNeed,
            need_id=need_id,
            category=category,
            urgency=urgency,
            **stamp.event_kwargs(),
        )

    class PersonalDataErased(Event):
        """The record's household was erased; its kind, block and times remain."""

        def apply(self, record: Any) -> None:
            record.erased_at = self.timestamp
            record.text = Erased("")

    def erase_personal_data(self, stamp: Stamp) -> None:
        """Mark the record erased with its household; once is enough."""
        if self.erased_at is None:
            self.trigger_event(self.PersonalDataErased, **stamp.event_kwargs())
