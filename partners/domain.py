"""The Partner aggregate: a co-building partner (联建单位) the committee refers needs to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from partners import events
from partners import partner_rules as rules
from partners.events import NEW_STATE, PartnerKind
from partners.exceptions import PartnerStateError
from partners.partner_rules import ALL_BLOCKS, MAX_NAME_LENGTH, MAX_TEXT_LENGTH
from partners.webhooks import WebhookPolicy

__all__ = ["ALL_BLOCKS", "MAX_NAME_LENGTH", "MAX_TEXT_LENGTH", "Partner", "PartnerKind"]
_check = rules.check
STRICT = WebhookPolicy()  # no private addresses, http or https


class Partner(Aggregate):
    """A partner organisation: the categories it serves, the blocks it covers, its capacity."""

    class_version = 2

    if TYPE_CHECKING:
        # Declared for the type checker only: class-level annotations would make the
        # library turn Partner into a dataclass with a generated __init__.
        community: str
        name: str
        kind: PartnerKind
        categories: list[str]
        blocks: list[str]
        weekly_capacity: int
        contact: str
        active: bool
        suspension_reason: str
        webhook_url: str
        webhook_secret: str
        mode: str
        phone: str
        email: str
        address: str
        people: list[dict[str, Any]]
        paused_from: str
        paused_until: str
        pause_reason: str
        capacity_week: str
        week_capacity: int

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Snapshots from before modes, contact cards, pauses and this week's capacity."""
        state.update(NEW_STATE, people=[])

    class Event(events.PartnerEvent):
        """An event of a partner: who did it and when it happened on their side."""

    # Bound here, each is redefined as Partner.<Name> and keeps its stored topic.
    Registered = events.Registered
    ServicesChanged = events.ServicesChanged
    CapacityChanged = events.CapacityChanged
    ContactChanged = events.ContactChanged
    DetailsChanged = events.DetailsChanged
    WeekCapacitySet = events.WeekCapacitySet
    Paused = events.Paused
    PauseEnded = events.PauseEnded
    Suspended = events.Suspended
    Reactivated = events.Reactivated
    WebhookSet = events.WebhookSet

    @classmethod
    def register(
        cls,
        *,
        community: str,
        name: str,
        kind: PartnerKind | str,
        categories: Sequence[str],
        blocks: Sequence[str],
        weekly_capacity: int,
        contact: str = "",
        mode: str = "",
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
        partner_id: UUID | None = None,
    ) -> Partner:
        """Register a new partner in a community's directory (under `partner_id` if given)."""
        return cls._create(
            cls.Registered,
            id=partner_id or uuid4(),
            timestamp=recorded_at,
            community=_check.required_text("community", community, MAX_NAME_LENGTH),
            name=_check.required_text("name", name, MAX_NAME_LENGTH),
            kind=_check.choice("kind", kind, PartnerKind),
            categories=rules.categories(categories),
            blocks=rules.blocks(blocks),
            weekly_capacity=rules.capacity(weekly_capacity),
            contact=_check.optional_text("contact", contact),
            mode=rules.mode(mode),
            **_check.stamp(actor, occurred_at),
        )

    def change_services(
        self,
        *,
        categories: Sequence[str],
        blocks: Sequence[str],
        reason: str = "",
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Change the categories served and the blocks covered."""
        new_categories, new_blocks = rules.categories(categories), rules.blocks(blocks)
        stamp = _check.stamp(actor, occurred_at)
        why = _check.optional_text("reason", reason)
        if (new_categories, new_blocks) == (self.categories, self.blocks):
            return
        self.trigger_event(
            self.ServicesChanged,
            timestamp=recorded_at,
            categories=new_categories,
            blocks=new_blocks,
            reason=why,
            **stamp,
        )

    def change_capacity(
        self,
        *,
        weekly_capacity: int,
        reason: str = "",
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Change how many referrals a week the partner takes."""
        capacity, stamp = rules.capacity(weekly_capacity), _check.stamp(actor, occurred_at)
        why = _check.optional_text("reason", reason)
        if capacity == self.weekly_capacity:
            return
        self.trigger_event(
            self.CapacityChanged,
            timestamp=recorded_at,
            weekly_capacity=capacity,
            reason=why,
            **stamp,
        )

    def set_week_capacity(
        self,
        *,
        week: date | str,
        weekly_capacity: int,
        reason: str = "",
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Say how many referrals the partner can take in the week starting on Monday `week`."""
        self.trigger_event(
            self.WeekCapacitySet,
            timestamp=recorded_at,
            week=rules.iso_date("week", week),
            weekly_capacity=rules.capacity(weekly_capacity, "this_week"),
            reason=_check.optional_text("reason", reason),
            **_check.stamp(actor, occurred_at),
        )

    def change_contact(
        self,
        *,
        contact: str,
        phone: str = "",
        email: str = "",
        address: str = "",
        people: Sequence[Mapping[str, Any]] = (),
        reason: str = "",
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Change the partner's contact details."""
        card = {
            "contact": _check.optional_text("contact", contact),
            "phone": rules.phone("phone", phone),
            "email": rules.email(email),
            "address": _check.optional_text("address", address),
            "people": rules.people(people),
        }
        stamp, why = _check.stamp(actor, occurred_at), _check.optional_text("reason", reason)
        if card == {key: getattr(self, key) for key in card}:
            return
        self.trigger_event(self.ContactChanged, timestamp=recorded_at, reason=why, **card, **stamp)

    def change_details(
        self,
        *,
        name: str,
        kind: PartnerKind | str,
        mode: str,
        reason: str = "",
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Change the partner's name, kind and partnership mode."""
        details = {
            "name": _check.required_text("name", name, MAX_NAME_LENGTH),
            "kind": _check.choice("kind", kind, PartnerKind),
            "mode": rules.mode(mode),
        }
        stamp, why = _check.stamp(actor, occurred_at), _check.optional_text("reason", reason)
        if details == {key: getattr(self, key) for key in details}:
            return
        self.trigger_event(
            self.DetailsChanged, timestamp=recorded_at, reason=why, **details, **stamp
        )

    def pause(
        self,
        *,
        starts_on: date | str,
        ends_on: date | str,
        reason: str,
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Take no new referrals from `starts_on` to `ends_on` (both days included)."""
        first, last = rules.pause(starts_on, ends_on)
        self.trigger_event(
            self.Paused,
            timestamp=recorded_at,
            starts_on=first,
            ends_on=last,
            reason=_check.required_text("reason", reason, MAX_TEXT_LENGTH),
            **_check.stamp(actor, occurred_at),
        )

    def end_pause(self, *, actor: str, occurred_at: datetime, recorded_at: datetime) -> None:
        """Take new referrals again before the pause was due to end."""
        stamp = _check.stamp(actor, occurred_at)
        if not self.paused_until:
            raise PartnerStateError(f"partner {self.name!r} is not paused")
        self.trigger_event(self.PauseEnded, timestamp=recorded_at, **stamp)

    def suspend(
        self, *, reason: str = "", actor: str, occurred_at: datetime, recorded_at: datetime
    ) -> None:
        """Stop new referrals to the partner."""
        text, stamp = _check.optional_text("reason", reason), _check.stamp(actor, occurred_at)
        if not self.active:
            raise PartnerStateError(f"partner {self.name!r} is already suspended")
        self.trigger_event(self.Suspended, timestamp=recorded_at, reason=text, **stamp)

    def reactivate(self, *, actor: str, occurred_at: datetime, recorded_at: datetime) -> None:
        """Let the partner receive new referrals again."""
        stamp = _check.stamp(actor, occurred_at)
        if self.active:
            raise PartnerStateError(f"partner {self.name!r} is active, not suspended")
        self.trigger_event(self.Reactivated, timestamp=recorded_at, **stamp)

    def set_webhook(
        self,
        *,
        url: str,
        secret: str,
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
        policy: WebhookPolicy = STRICT,
    ) -> None:
        """Set (or, with an empty url, remove) the webhook; a new secret each time. The address
        must be one the deployment's policy allows (partners/webhooks.py)."""
        stamp = _check.stamp(actor, occurred_at)
        address = rules.webhook_url(url, policy)
        self.trigger_event(
            self.WebhookSet,
            timestamp=recorded_at,
            url=address,
            secret=secret if address else "",
            **stamp,
        )

    def serves(self, category: str) -> bool:
        """Whether the partner takes needs of this category."""
        return category in self.categories

    def covers(self, block: str) -> bool:
        """Whether the partner works in this block."""
        return ALL_BLOCKS in self.blocks or block in self.blocks
