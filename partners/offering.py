"""The Offering aggregate: something a partner offers residents (资源清单) — a doorstep clinic
on a set day, training places, a patrol, a subsidy desk — on a schedule, in a place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from partners import partner_rules as rules
from partners.exceptions import OfferingStateError
from partners.schedules import schedule

# The fields an offering's listing and its changes carry, and the longest text of each.
TEXTS = {"title": 200, "description": 1000, "eligibility": 500, "where": 200, "how_to_book": 500}


class Offering(Aggregate):
    """One thing a partner offers: what, for whom, where, when, how many a session, how to book."""

    if TYPE_CHECKING:
        community: str
        partner_id: UUID
        category: str
        block: str
        title: str
        description: str
        eligibility: str
        where: str
        how_to_book: str
        schedule: dict[str, Any]
        capacity: int
        withdrawn: bool
        referrals: list[dict[str, str]]

    class Event(Aggregate.Event):
        """Base of the offering's events: who did it and when it happened on their side."""

        actor: str
        occurred_at: datetime

    class Listed(Event, Aggregate.Created):
        """The partner listed the offering."""

        community: str
        partner_id: UUID
        details: dict[str, Any]

        def apply(self, offering: Offering) -> None:
            offering.community = self.community
            offering.partner_id = self.partner_id
            offering.__dict__.update(self.details)
            offering.withdrawn = False
            offering.referrals = []

    class Changed(Event):
        """What, when or where the offering is changed."""

        details: dict[str, Any]
        reason: str

        def apply(self, offering: Offering) -> None:
            offering.__dict__.update(self.details)

    class Withdrawn(Event):
        """The offering is no longer on offer."""

        reason: str

        def apply(self, offering: Offering) -> None:
            offering.withdrawn = True

    class ReferralNoted(Event):
        """A need was referred to the partner for this offering (the referral names it)."""

        referral_id: str
        on: str

        def apply(self, offering: Offering) -> None:
            offering.referrals.append({"referral_id": self.referral_id, "on": self.on})

    @classmethod
    def offer(
        cls,
        *,
        community: str,
        partner_id: UUID,
        details: Mapping[str, Any],
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
        offering_id: UUID | None = None,
    ) -> Offering:
        """List a new offering of a partner."""
        return cls._create(
            cls.Listed,
            id=offering_id or uuid4(),
            timestamp=recorded_at,
            community=community,
            partner_id=partner_id,
            details=checked(details),
            **rules.check.stamp(actor, occurred_at),
        )

    def change(
        self,
        *,
        details: Mapping[str, Any],
        reason: str = "",
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Change the offering; what is not given stays as it was."""
        self._still_on()
        current = {key: getattr(self, key) for key in (*TEXTS, "category", "block")}
        current.update(schedule=self.schedule, capacity=self.capacity)
        new = checked({**current, **details})
        if new == current:
            return
        self.trigger_event(
            self.Changed,
            timestamp=recorded_at,
            details=new,
            reason=rules.check.optional_text("reason", reason),
            **rules.check.stamp(actor, occurred_at),
        )

    def withdraw(
        self, *, reason: str = "", actor: str, occurred_at: datetime, recorded_at: datetime
    ) -> None:
        """Take the offering off the list."""
        why, stamp = (
            rules.check.optional_text("reason", reason),
            rules.check.stamp(actor, occurred_at),
        )
        self._still_on()
        self.trigger_event(self.Withdrawn, timestamp=recorded_at, reason=why, **stamp)

    def note_referral(
        self,
        *,
        referral_id: UUID,
        on: str,
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Keep that a referral was made for this offering (for the session on `on`)."""
        self.trigger_event(
            self.ReferralNoted,
            timestamp=recorded_at,
            referral_id=str(referral_id),
            on=rules.check.optional_text("on", on, 10),
            **rules.check.stamp(actor, occurred_at),
        )

    def _still_on(self) -> None:
        if self.withdrawn:
            raise OfferingStateError(f"offering {self.title!r} is withdrawn")


def checked(details: Mapping[str, Any]) -> dict[str, Any]:
    """An offering's details, checked: texts, one category code, a block code or "*", the
    schedule, and the capacity per session."""
    found: dict[str, Any] = {
        key: (
            rules.check.required_text(key, details.get(key, ""), limit)
            if key == "title"
            else rules.check.optional_text(key, details.get(key, ""), limit)
        )
        for key, limit in TEXTS.items()
    }
    found["category"] = rules.check.required_text("category", details.get("category", ""), 50)
    found["block"] = rules.check.optional_text("block", details.get("block", ""), 50) or "*"
    found["schedule"] = schedule(details.get("schedule", {}))
    found["capacity"] = rules.capacity(details.get("capacity", 0), "capacity")
    return found
