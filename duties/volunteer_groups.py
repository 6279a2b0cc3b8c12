"""The volunteer groups' commands and queries, part of the Duties application (their events
are stored beside the households' and sealed the same way, with each group's own key)."""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from duties.exceptions import VolunteerGroupNotFoundError
from duties.volunteers import VolunteerGroup
from store.sealed_application import SealedApplication

_FORMED = f"{VolunteerGroup.GroupFormed.__module__}:{VolunteerGroup.GroupFormed.__qualname__}"
_BATCH = 1000


class VolunteerGroups(SealedApplication):
    """Form a block's volunteer group, add its volunteers, read them back."""

    def form_volunteer_group(
        self, *, community: str, block: str, name: str, leader: str, actor: str
    ) -> UUID:
        """Form a volunteer group for the block; returns its id."""
        self.community(community).block(block)
        group = VolunteerGroup.form(
            community=community,
            block=block,
            name=name,
            leader=leader,
            stamp=self.stamp(actor, None),
        )
        self.save(group)
        return group.id

    def add_volunteer(
        self,
        group_id: UUID,
        *,
        name: str,
        contact_phone: str = "",
        skills: list[str] | None = None,
        availability: str = "",
        account: str = "",
        actor: str,
    ) -> UUID:
        """Add a volunteer to the group (with the account they sign in with, if they have one:
        the caller has checked it); returns the member's id."""
        group = self.load_volunteer_group(group_id)
        stamp = self.stamp(actor, None)
        member_id = group.add_member(name, contact_phone, skills or [], availability, stamp)
        if account:
            group.link_account(member_id, account, stamp)
        self.save(group)
        return member_id

    def load_volunteer_group(self, group_id: UUID) -> VolunteerGroup:
        """The group aggregate, or VolunteerGroupNotFoundError."""
        found: Any = None
        with contextlib.suppress(AggregateNotFoundError):
            found = self.repository.get(group_id)
        if not isinstance(found, VolunteerGroup):
            raise VolunteerGroupNotFoundError(f"no volunteer group {group_id}")
        return found

    def get_volunteer_group(self, group_id: UUID) -> dict[str, Any]:
        """The group as plain data, its members included."""
        group = self.load_volunteer_group(group_id)
        return {
            "id": group.id,
            "version": group.version,
            "community": group.community,
            "block": group.block,
            "name": group.name,
            "leader": group.leader,
            "formed_at": group.formed_at,
            "members": [dict(m) for m in group.members],
        }

    def list_volunteer_groups(self, community: str) -> list[dict[str, Any]]:
        """Every volunteer group of the community, by block, read from the log itself."""
        found: list[UUID] = []
        start = 0
        while True:
            batch = self.recorder.select_notifications(
                start=start, limit=_BATCH, topics=[_FORMED], inclusive_of_start=False
            )
            found.extend(UUID(str(n.originator_id)) for n in batch)
            if batch:
                start = batch[-1].id
            if len(batch) < _BATCH:
                break
        groups = [self.get_volunteer_group(g) for g in found]
        mine = [g for g in groups if g["community"] == community]
        return sorted(mine, key=lambda g: (g["block"], g["formed_at"]))
