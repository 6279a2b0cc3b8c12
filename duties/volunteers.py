"""The VolunteerGroup aggregate: a block's volunteer group (志愿者组团), kept by its block leader:
its name, its leader and its members with phone, skills and availability. The volunteers' names
and phones are sealed with the group's own key (duties.sealing), never shown to partners."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from kernel.checks import Stamp, phone, text
from kernel.errors import InvalidInputError
from store.commands import CommandEvent

SKILL_LIMIT = 10


class VolunteerGroup(Aggregate):
    """One block's volunteer group, serving its residents group by group (组团式联系服务群众)."""

    class Event(CommandEvent, Aggregate.Event):
        actor: str
        occurred_at: datetime

    class GroupFormed(Event, Aggregate.Created):
        # The group's leader is a volunteer: their name is theirs (and makes the group's key).
        personal: ClassVar[tuple[str, ...]] = ("leader",)
        community: str
        block: str
        name: str
        leader: str

    def __init__(
        self, community: str, block: str, name: str, leader: str, actor: str, occurred_at: datetime
    ) -> None:
        self.community = community
        self.block = block
        self.name = name
        self.leader = leader
        self.formed_by = actor
        self.formed_at = occurred_at
        self.members: list[dict[str, Any]] = []

    @classmethod
    def form(
        cls, *, community: str, block: str, name: str, leader: str, stamp: Stamp
    ) -> VolunteerGroup:
        """Form the block's group; the caller has checked the block."""
        return cls._create(
            cls.GroupFormed,
            id=uuid4(),
            community=community,
            block=block,
            name=text(name, "name", limit=100),
            leader=text(leader, "leader", limit=150),
            **stamp.event_kwargs(),
        )

    def add_member(
        self, name: str, contact_phone: str, skills: list[str], availability: str, stamp: Stamp
    ) -> UUID:
        """Add a volunteer to the group; returns the member's id."""
        skills = [text(s, "skills", limit=50) for s in skills][:SKILL_LIMIT]
        member_id = uuid4()
        self.trigger_event(
            self.MemberAdded,
            member_id=member_id,
            name=text(name, "name", limit=100),
            contact_phone=phone(contact_phone),
            skills=skills,
            availability=text(availability, "availability", required=False, limit=200),
            **stamp.event_kwargs(),
        )
        return member_id

    class MemberAdded(Event):
        personal: ClassVar[tuple[str, ...]] = ("name", "contact_phone")
        member_id: UUID
        name: str
        contact_phone: str
        skills: list[str]
        availability: str

        def apply(self, group: VolunteerGroup) -> None:
            group.members.append(
                {
                    "id": self.member_id,
                    "name": self.name,
                    "contact_phone": self.contact_phone,
                    "skills": list(self.skills),
                    "availability": self.availability,
                    "added_at": self.occurred_at,
                    "account": "",
                }
            )

    def link_account(self, member_id: UUID, account: str, stamp: Stamp) -> None:
        """Link a volunteer to the account they sign in with (role `volunteer`); the caller
        has checked the account. Linking the same account again changes nothing."""
        member = next((m for m in self.members if m["id"] == member_id), None)
        if member is None:
            raise InvalidInputError("member_id", f"no volunteer {member_id} in this group")
        if member["account"] == account:
            return
        self.trigger_event(
            self.AccountLinked, member_id=member_id, account=account, **stamp.event_kwargs()
        )

    def member_of(self, account: str) -> dict[str, Any] | None:
        """The volunteer who signs in as `account`, if one of this group's."""
        return next((m for m in self.members if account and m["account"] == account), None)

    class AccountLinked(Event):
        """A volunteer's account (a username, not sealed: it names no resident)."""

        member_id: UUID
        account: str

        def apply(self, group: VolunteerGroup) -> None:
            for member in group.members:
                if member["id"] == self.member_id:
                    member["account"] = self.account
