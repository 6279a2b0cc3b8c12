"""What happens to a household: the Household aggregate's events, each with its fields and how it
applies. The aggregate (duties.domain) binds each of them as a nested class, so they are stored
under their topics there (`duties.domain:Household.<Name>`), as they always were."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from duties.rules import ASK
from duties.values import Duty, LifeEvent, Membership
from store.chain import Erased
from store.commands import CommandEvent

if TYPE_CHECKING:
    from duties.domain import Household


class HouseholdEvent(CommandEvent, Aggregate.Event):
    actor: str
    occurred_at: datetime


class HouseholdRegistered(HouseholdEvent, Aggregate.Created):
    personal: ClassVar[tuple[str, ...]] = ("unit", "room")
    community: str
    block: str
    building: int
    unit: str
    room: str


class GroupJoined(HouseholdEvent):
    personal: ClassVar[tuple[str, ...]] = ("member",)
    member_id: UUID
    member: str
    group: str
    starts_on: date

    def apply(self, household: Household) -> None:
        household.memberships.append(
            Membership(self.member_id, self.member, self.group, self.starts_on)
        )


class GroupLeft(HouseholdEvent):
    member_id: UUID
    group: str
    ends_on: date

    def apply(self, household: Household) -> None:
        membership = household.membership(self.member_id, self.group)
        if membership is not None:
            membership.ends_on = self.ends_on


class LifeEventRecorded(HouseholdEvent):
    personal: ClassVar[tuple[str, ...]] = ("note",)
    life_event_id: UUID
    type: str
    note: str

    def apply(self, household: Household) -> None:
        household.life_events.append(
            LifeEvent(self.life_event_id, self.type, self.note, self.occurred_at, self.actor)
        )


class DutyFellDue(HouseholdEvent):
    duty_id: UUID
    kind: str
    reason: str
    cause_id: UUID
    due_at: datetime

    def apply(self, household: Household) -> None:
        household.duties.append(
            Duty(
                self.duty_id,
                self.kind,
                self.reason,
                self.cause_id,
                self.timestamp,
                self.due_at,
            )
        )


class DutyDischarged(HouseholdEvent):
    personal: ClassVar[tuple[str, ...]] = ("notes",)
    duty_id: UUID
    notes: str

    def apply(self, household: Household) -> None:
        duty = household.duty(self.duty_id)
        duty.discharged_at = self.occurred_at
        duty.discharged_by = self.actor
        duty.notes = self.notes
        if duty.kind == ASK:
            membership = household.membership(duty.cause_id, duty.reason)
            if membership is not None:
                membership.last_contact_at = self.occurred_at


class DutyVolunteerAssigned(HouseholdEvent):
    duty_id: UUID
    group_id: UUID
    member_id: UUID

    def apply(self, household: Household) -> None:
        duty = household.duty(self.duty_id)
        duty.volunteer = {"group_id": self.group_id, "member_id": self.member_id}


class DetailsNoted(HouseholdEvent):
    personal: ClassVar[tuple[str, ...]] = ("head", "phone")
    head: str
    phone: str
    people: int | None

    def apply(self, household: Household) -> None:
        household.head, household.phone, household.people = self.head, self.phone, self.people


class PastContactRecorded(HouseholdEvent):
    personal: ClassVar[tuple[str, ...]] = ("visitor", "notes")
    visitor: str
    notes: str
    contacted_on: date

    def apply(self, household: Household) -> None:
        contact = {"on": self.contacted_on, "visitor": self.visitor, "notes": self.notes}
        household.contacts = (*household.contacts, contact)


class PersonalDataErased(HouseholdEvent):
    """The household's personal data was erased; its duties and their times remain."""

    def apply(self, household: Household) -> None:
        gone = Erased("")
        household.erased_at, household.erased_by = self.timestamp, self.actor
        household.unit = household.room = gone
        household.head = household.phone = gone
        household.contacts = tuple(
            {**c, "visitor": gone, "notes": gone} for c in household.contacts
        )
        household.memberships = [replace(m, member=gone) for m in household.memberships]
        household.life_events = [replace(e, note=gone) for e in household.life_events]
        household.duties = [replace(d, notes=gone) for d in household.duties]
