"""The Household aggregate: an address in a block, its watched members, its life events and the
duties they owe, all in the household's own event stream."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate

from duties import asks, events
from duties.exceptions import (
    DutiesConflictError,
    DutyDischargedError,
    DutyNotFoundError,
    InvalidDutyInputError,
)
from duties.rules import ASK, GROUPS, LIFE_EVENT, LIFE_EVENTS, VISIT, DutyRules, code
from duties.values import Duty, LifeEvent, Membership, day, day_end, text
from kernel import checks
from kernel.checks import Stamp
from kernel.community import Community
from store.commands import made_by
from store.errors import HouseholdErasedError


class Household(Aggregate):
    """A household at one address in a block, with the proactive duties the committee owes it."""

    # Defaults for households registered before erasure existed.
    erased_at = cast("datetime | None", None)
    erased_by = cast("str | None", None)
    # Defaults for households registered before the ledger's details were kept.
    head, phone, people = "", "", cast("int | None", None)
    contacts: tuple[dict[str, Any], ...] = ()

    class Event(events.HouseholdEvent):
        """An event of the household: who did it and when."""

    # Bound here, each is redefined as Household.<Name> and keeps its stored topic.
    HouseholdRegistered = events.HouseholdRegistered
    GroupJoined = events.GroupJoined
    GroupLeft = events.GroupLeft
    LifeEventRecorded = events.LifeEventRecorded
    DutyFellDue = events.DutyFellDue
    DutyDischarged = events.DutyDischarged
    DutyVolunteerAssigned = events.DutyVolunteerAssigned
    DetailsNoted = events.DetailsNoted
    PastContactRecorded = events.PastContactRecorded
    PersonalDataErased = events.PersonalDataErased

    def __init__(
        self, community: str, block: str, building: int, unit: str, room: str, **_: Any
    ) -> None:
        self.community = community
        self.block = block
        self.building = building
        self.unit = unit
        self.room = room
        self.memberships: list[Membership] = []
        self.life_events: list[LifeEvent] = []
        self.duties: list[Duty] = []

    @classmethod
    def register(
        cls,
        community: Community,
        *,
        block: str,
        building: str | int,
        unit: str | None,
        room: str | None,
        stamp: Stamp,
        household_id: UUID | None = None,
    ) -> Household:
        """Register the household at an address, checked against the community's blocks."""
        return cls._create(
            cls.HouseholdRegistered,
            id=household_id or uuid4(),
            community=community.id,
            block=block,
            building=community.building_in_block(block, building),
            unit=text(unit, "unit", required=False, limit=10),
            room=text(room, "room", required=False, limit=10),
            **stamp.event_kwargs(),
        )

    # --- members and their groups ------------------------------------------------------

    def join_group(self, member: str, group: str, starts_on: date, stamp: Stamp) -> None:
        """A member starts to belong to a watched group."""
        self.refuse_personal_data("member")
        name = text(member, "member", limit=100)
        code(group, GROUPS, "group")
        current = self.membership(self.member_id(name), group)
        if current is not None and current.ends_on is None:
            if current.starts_on == starts_on:
                return
            raise DutiesConflictError(f"{name} is in the group {group} already")
        self.trigger_event(
            self.GroupJoined,
            member_id=self.member_id(name) or uuid4(),
            member=name,
            group=group,
            starts_on=day(starts_on, "starts_on"),
            **stamp.event_kwargs(),
        )

    def leave_group(self, member: str, group: str, ends_on: date, stamp: Stamp) -> None:
        """A member stops belonging to a watched group (no more asks fall due)."""
        self.refuse_personal_data("member")
        name = text(member, "member", limit=100)
        current = self.membership(self.member_id(name), code(group, GROUPS, "group"))
        if current is None:
            raise DutiesConflictError(f"{name} is not in the group {group}")
        if ends_on < current.starts_on:
            raise InvalidDutyInputError("ends_on", "ends_on is before the membership started")
        self.trigger_event(
            self.GroupLeft,
            member_id=current.member_id,
            group=group,
            ends_on=day(ends_on, "ends_on"),
            **stamp.event_kwargs(),
        )

    def place_in_group(
        self, member: str, group: str, starts_on: date, ends_on: date | None, stamp: Stamp
    ) -> None:
        """Put a member in a group from a day, and take them out on `ends_on` if given."""
        current = self.membership(self.member_id(text(member, "member", limit=100)), group)
        if current is None or current.ends_on is not None or ends_on is None:
            self.join_group(member, group, starts_on, stamp)
        if ends_on is not None:
            self.leave_group(member, group, ends_on, stamp)

    def member_id(self, name: str) -> UUID | None:
        key = name.strip().casefold()
        for m in self.memberships:
            if m.member.casefold() == key:
                return m.member_id
        return None

    def membership(self, member_id: UUID | None, group: str) -> Membership | None:
        found = [m for m in self.memberships if m.member_id == member_id and m.group == group]
        return found[-1] if found else None

    # --- life events and duties ----------------------------------------------------------

    def record_life_event(
        self, life_event: str, note: str | None, stamp: Stamp, rules: DutyRules
    ) -> UUID:
        """Record a life event; the visit it calls for falls due within the rule's time."""
        code(life_event, LIFE_EVENTS, "type")
        if (note or "").strip():
            self.refuse_personal_data("note")
        event_id = made_by(stamp.command, LIFE_EVENT)  # a retry's, the same
        self.trigger_event(
            self.LifeEventRecorded,
            life_event_id=event_id,
            type=life_event,
            note=text(note, "note", required=False),
            **stamp.event_kwargs(),
        )
        duty_id = uuid5(event_id, VISIT)
        self.trigger_event(
            self.DutyFellDue,
            duty_id=duty_id,
            kind=VISIT,
            reason=life_event,
            cause_id=event_id,
            due_at=stamp.occurred_at + rules.visit_window(life_event),
            **stamp.event_kwargs(),
        )
        return duty_id

    def asks_falling_due(self, now: datetime, rules: DutyRules) -> list[tuple[Membership, date]]:
        """Each active membership whose next ask's day has come and that has no ask open."""
        if self.erased_at is not None:
            # Its people are no longer known: no new asks; those already due stay and count.
            return []
        return asks.asks_falling_due(self.memberships, self.duties, now, rules)

    def fall_due(self, now: datetime, rules: DutyRules, stamp: Stamp) -> int:
        """Let every ask whose day has come fall due; returns how many did."""
        falling = self.asks_falling_due(now, rules)
        for membership, due_on in falling:
            self.trigger_event(
                self.DutyFellDue,
                duty_id=uuid5(membership.member_id, f"{membership.group}:{due_on.isoformat()}"),
                kind=ASK,
                reason=membership.group,
                cause_id=membership.member_id,
                due_at=day_end(due_on),
                **stamp.event_kwargs(),
            )
        return len(falling)

    def discharge(self, duty_id: UUID, notes: str | None, stamp: Stamp) -> None:
        """Record the visit or the contact that discharges the duty."""
        if not self.duty(duty_id).is_open:
            raise DutyDischargedError(f"duty {duty_id} was discharged already")
        if (notes or "").strip():
            self.refuse_personal_data("notes")
        self.trigger_event(
            self.DutyDischarged,
            duty_id=duty_id,
            notes=text(notes, "notes", required=False),
            **stamp.event_kwargs(),
        )

    def assign_volunteer(
        self, duty_id: UUID, group_id: UUID, member_id: UUID, stamp: Stamp
    ) -> None:
        """Ask a volunteer of the block's group (checked by the caller) to do an open duty;
        the block's leader still owns it."""
        duty = self.duty(duty_id)
        if not duty.is_open:
            raise DutyDischargedError(f"duty {duty_id} was discharged already")
        if duty.volunteer == {"group_id": group_id, "member_id": member_id}:
            return
        self.trigger_event(
            self.DutyVolunteerAssigned,
            duty_id=duty_id,
            group_id=group_id,
            member_id=member_id,
            **stamp.event_kwargs(),
        )

    def duty(self, duty_id: UUID) -> Duty:
        for duty in self.duties:
            if duty.id == duty_id:
                return duty
        raise DutyNotFoundError(f"no duty {duty_id}")

    # --- the committee's ledger: who heads the household, and contacts made before the service

    def note_details(self, head: str, phone: str, people: int | None, stamp: Stamp) -> bool:
        """Note the head of the household, the phone and how many live there; False when the
        household holds these already."""
        self.refuse_personal_data("head")
        noted = (text(head, "head", required=False, limit=100), checks.phone(phone), people)
        if people is not None and not 0 < people < 100:
            raise InvalidDutyInputError("people", f"{people} people in one household?")
        if noted == (self.head, self.phone, self.people):
            return False
        self.trigger_event(
            self.DetailsNoted, head=noted[0], phone=noted[1], people=people, **stamp.event_kwargs()
        )
        return True

    def record_past_contact(self, visitor: str, notes: str, on: date, stamp: Stamp) -> bool:
        """A visit made before the service kept them (from a ledger) on its day, which may lie
        further back than an event may be backdated; False when the household holds it."""
        self.refuse_personal_data("notes")
        who, what = text(visitor, "visitor", limit=100), text(notes, "notes", required=False)
        if any((c["on"], c["visitor"], c["notes"]) == (on, who, what) for c in self.contacts):
            return False
        self.trigger_event(
            self.PastContactRecorded,
            visitor=who,
            notes=what,
            contacted_on=day(on, "contacted_on"),
            **stamp.event_kwargs(),
        )
        return True

    # --- erasure: the household's key is destroyed, the duties and their counts stay ------

    def erase_personal_data(self, stamp: Stamp) -> None:
        """Mark the household erased, so every copy of it forgets its people; once is enough."""
        if self.erased_at is None:
            self.trigger_event(self.PersonalDataErased, **stamp.event_kwargs())

    def refuse_personal_data(self, field: str) -> None:
        """Nothing personal may be written about an erased household."""
        if self.erased_at is not None:
            raise HouseholdErasedError(
                f"the household's personal data was erased; {field} cannot be recorded"
            )
