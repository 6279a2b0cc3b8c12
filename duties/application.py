"""The Duties application: households, their watched members and life events, the duties that
fall due and their discharge, and the five must-records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Mapper

from duties.domain import Household
from duties.exceptions import (
    DutiesConcurrentUpdateError,
    DutiesVersionConflictError,
    DutyNotFoundError,
    HouseholdNotFoundError,
    RecordNotFoundError,
)
from duties.households import DutiesIndex, HouseholdRegistry
from duties.reading import describe_duty, describe_household, describe_record
from duties.record import Record
from duties.rules import LIFE_EVENT, DutyRules
from duties.sealing import household_named, records_of
from duties.volunteer_groups import VolunteerGroups
from kernel.checks import Stamp
from kernel.clock import Clock
from kernel.community import Community
from kernel.retrying import retry_on_clash
from store.commands import CommandKey, CommandRan, made_by
from store.keystore import KeyStore
from store.sealing import SealingMapper
from store.transcodings import register_all

__all__ = ["Duties", "DutiesIndex"]
T = TypeVar("T")
CLOCK_ACTOR = "clock"


class Duties(VolunteerGroups, HouseholdRegistry):
    """The proactive duties: every command loads a household or a record, calls it, saves it."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        communities: Mapping[str, Community] | None = None,
        clock: Clock | None = None,
        rules: DutyRules | None = None,
        index: DutiesIndex | None = None,
        keys: KeyStore | None = None,
    ) -> None:
        # The cases' key store: one key per household for both contexts.
        super().__init__(env, communities=communities, clock=clock, keys=keys)
        self.rules = rules or DutyRules()
        self.index = index

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder, (), ())

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(super().construct_mapper(), self.keys, household_named)

    # --- households ----------------------------------------------------------------------

    def join_group(
        self, household_id: UUID, member: str, group: str, starts_on: date, *, actor: str, **o: Any
    ) -> None:
        """A member starts to belong to a watched group."""
        self._update(
            household_id, lambda h, s: h.join_group(member, group, starts_on, s), actor, **o
        )

    def place_in_group(
        self,
        household_id: UUID,
        member: str,
        group: str,
        starts_on: date,
        ends_on: date | None = None,
        *,
        actor: str,
        **o: Any,
    ) -> None:
        """A member joins a watched group, and leaves it on `ends_on` if given."""
        self._update(
            household_id,
            lambda h, s: h.place_in_group(member, group, starts_on, ends_on, s),
            actor,
            **o,
        )

    def record_life_event(
        self,
        household_id: UUID,
        life_event: str,
        note: str = "",
        *,
        actor: str,
        key: CommandKey | None = None,
        **o: Any,
    ) -> UUID:
        """Record a life event; returns the id of the visit duty it makes fall due."""

        def repeated(household: Household) -> UUID:
            # The visit due for the life event this (keyed) command recorded the first time.
            event_id = made_by(cast(CommandKey, key).id, LIFE_EVENT)
            return next(d.id for d in household.duties if d.cause_id == event_id)

        return self._update(
            household_id,
            lambda h, s: h.record_life_event(life_event, note, s, self.rules),
            actor,
            commutes=True,
            key=key,
            repeated=repeated,
            **o,
        )

    def fall_due(self, household_id: UUID, now: datetime) -> int:
        """Let the household's asks whose day has come fall due; returns how many did."""
        if not self.load_household(household_id).asks_falling_due(now, self.rules):
            return 0
        return self._update(
            household_id,
            lambda h, s: h.fall_due(now, self.rules, s),
            CLOCK_ACTOR,
            commutes=True,
            occurred_at=now,
        )

    def discharge_duty(self, duty_id: UUID, notes: str = "", *, actor: str, **o: Any) -> UUID:
        """Record the visit or contact that discharges a duty; returns its household's id."""
        household_id = self.locate_duty(duty_id)
        self._update(
            household_id, lambda h, s: h.discharge(duty_id, notes, s), actor, commutes=True, **o
        )
        return household_id

    def assign_duty_volunteer(
        self, duty_id: UUID, group_id: UUID, member_id: UUID, *, actor: str, **o: Any
    ) -> None:
        """Ask a volunteer (of the block's group, checked by the caller) to do an open duty."""
        household_id = self.locate_duty(duty_id)
        self._update(
            household_id,
            lambda h, s: h.assign_volunteer(duty_id, group_id, member_id, s),
            actor,
            **o,
        )

    def note_details(
        self, household_id: UUID, head: str, phone: str, people: int | None, *, actor: str, **o: Any
    ) -> bool:
        """Note who heads the household, its phone and how many live there; False: known."""
        noted: bool = self._update(
            household_id, lambda h, s: h.note_details(head, phone, people, s), actor, **o
        )
        return noted

    def record_past_contact(
        self, household_id: UUID, visitor: str, notes: str, on: date, *, actor: str
    ) -> bool:
        """A contact from before the service (a ledger's visit) on its day; False: known."""
        recorded: bool = self._update(
            household_id,
            lambda h, s: h.record_past_contact(visitor, notes, on, s),
            actor,
            commutes=True,
        )
        return recorded

    # --- records -------------------------------------------------------------------------

    def make_record(
        self,
        *,
        community: str,
        kind: str,
        block: str,
        household_id: UUID | None,
        text: str,
        actor: str,
        occurred_at: datetime | None = None,
        key: CommandKey | None = None,
    ) -> UUID:
        """Make one of the five must-records, about a household of the block or the block;
        a command sent again finds the record it made."""
        record_id = None
        if key is not None:
            record_id = key.makes("record")
            if key.ran_in(self._load(record_id, None)):
                return record_id
        self.community(community).block(block)
        if household_id is not None:
            household = self.load_household(household_id)
            if (household.community, household.block) != (community, block):
                raise HouseholdNotFoundError(f"no household {household_id} in block {block}")
            household.refuse_personal_data("text")
        record = Record.make(
            community=community,
            block=block,
            household_id=household_id,
            kind=kind,
            text_=text,
            stamp=self.stamp(actor, occurred_at, key),
            record_id=record_id,
        )
        self.save(record)
        return record.id

    def turn_record_into_need(
        self, record_id: UUID, need_id: UUID, category: str, urgency: str, *, actor: str
    ) -> None:
        """Link the need logged from a concern or a suggestion to its record."""
        record = self.load_record(record_id)
        record.turn_into_need(need_id, category, urgency, self.stamp(actor, None))
        self.save(record)

    def erase_household(self, household_id: UUID, *, actor: str) -> list[UUID]:
        """Mark the household and its records erased, so every copy of them forgets its
        people; returns the records. The caller destroys the key. Safe to run again."""
        if self._load(household_id, None) is not None:
            self._update(household_id, lambda h, s: h.erase_personal_data(s), actor, commutes=True)
        record_ids = records_of(self, household_id)
        for record_id in record_ids:
            record = self.load_record(record_id)
            record.erase_personal_data(self.stamp(actor, None))
            self.save(record)
        return record_ids

    # --- queries -------------------------------------------------------------------------

    def get_household(self, household_id: UUID) -> dict[str, Any]:
        """The household as plain data."""
        return describe_household(self.load_household(household_id))

    def get_duty(self, duty_id: UUID) -> dict[str, Any]:
        """One duty, with whether it is overdue now."""
        household = self.load_household(self.locate_duty(duty_id))
        return describe_duty(household, household.duty(duty_id), self.clock.now())

    def get_record(self, record_id: UUID) -> dict[str, Any]:
        """One record as plain data."""
        return describe_record(self.load_record(record_id))

    def locate_duty(self, duty_id: UUID) -> UUID:
        """The household whose stream holds the duty, or DutyNotFoundError."""
        found = self.index.duty_household(duty_id) if self.index else None
        if found is None:
            raise DutyNotFoundError(f"no duty {duty_id}")
        return found

    def load_record(self, record_id: UUID) -> Record:
        """The record aggregate itself."""
        found = self._load(record_id, None)
        if not isinstance(found, Record):
            raise RecordNotFoundError(f"no record {record_id}")
        return found

    # --- helpers -------------------------------------------------------------------------

    def _update(
        self,
        household_id: UUID,
        command: Callable[[Household, Stamp], T],
        actor: str,
        *,
        commutes: bool = False,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
        key: CommandKey | None = None,
        repeated: Callable[[Household], T] | None = None,
    ) -> T:
        # A clash reloads the household and runs the whole command again; discharges and new
        # life events commute with each other, group changes are reported instead. A command
        # the household's stream holds already (sent again after a crash) is not run again:
        # it answers `repeated(household)`, by default nothing.
        def load() -> Household:
            household = self.load_household(household_id)
            if key is not None:
                key.refuse_to_repeat(household)
            if expected_version is not None and household.version != expected_version:
                raise DutiesVersionConflictError(expected_version, household.version)
            return household

        try:
            return retry_on_clash(
                load,
                lambda household: command(household, self.stamp(actor, occurred_at, key)),
                self.save,
                commutes=commutes and expected_version is None,
                clash=lambda: DutiesConcurrentUpdateError(
                    "someone else changed this household at the same moment; nothing was saved"
                ),
            )
        except CommandRan as ran:
            return cast(T, None) if repeated is None else repeated(ran.aggregate)
