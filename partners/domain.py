"""The Partner aggregate: a co-building partner (联建单位) the committee refers needs to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from kernel.checks import ArgumentChecks
from partners.exceptions import InvalidPartnerError, PartnerStateError
from partners.webhooks import WebhookPolicy, url_refusal

ALL_BLOCKS = "*"
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 500
_check = ArgumentChecks(InvalidPartnerError, MAX_NAME_LENGTH, MAX_TEXT_LENGTH)
STRICT = WebhookPolicy()  # no private addresses, http or https


class PartnerKind(Enum):
    """What sort of organisation a partner is."""

    HOSPITAL = "hospital"
    POLICE = "police"
    TRAINING = "training"
    PROPERTY = "property"
    OWNERS_COMMITTEE = "owners_committee"
    GOVERNMENT = "government"
    ENTERPRISE = "enterprise"
    NGO = "ngo"
    OTHER = "other"


class Partner(Aggregate):
    """A partner organisation: the categories it serves, the blocks it covers, its capacity."""

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

    class Event(Aggregate.Event):
        """Base of the partner's events: who did it and when it happened on their side."""

        actor: str
        occurred_at: datetime

    class Registered(Event, Aggregate.Created):
        """The partner was added to the directory."""

        community: str
        name: str
        kind: PartnerKind
        categories: list[str]
        blocks: list[str]
        weekly_capacity: int
        contact: str

        def apply(self, partner: Partner) -> None:
            partner.community = self.community
            partner.name = self.name
            partner.kind = self.kind
            partner.categories = list(self.categories)
            partner.blocks = list(self.blocks)
            partner.weekly_capacity = self.weekly_capacity
            partner.contact = self.contact
            partner.active = True
            partner.suspension_reason = ""
            partner.webhook_url = ""
            partner.webhook_secret = ""

    class ServicesChanged(Event):
        """The categories served or blocks covered were changed."""

        categories: list[str]
        blocks: list[str]

        def apply(self, partner: Partner) -> None:
            partner.categories = list(self.categories)
            partner.blocks = list(self.blocks)

    class CapacityChanged(Event):
        """The number of referrals the partner takes a week was changed."""

        weekly_capacity: int

        def apply(self, partner: Partner) -> None:
            partner.weekly_capacity = self.weekly_capacity

    class ContactChanged(Event):
        """The partner's contact details were changed."""

        contact: str

        def apply(self, partner: Partner) -> None:
            partner.contact = self.contact

    class Suspended(Event):
        """The partner stopped receiving new referrals."""

        reason: str

        def apply(self, partner: Partner) -> None:
            partner.active = False
            partner.suspension_reason = self.reason

    class Reactivated(Event):
        """The partner receives new referrals again."""

        def apply(self, partner: Partner) -> None:
            partner.active = True
            partner.suspension_reason = ""

    class WebhookSet(Event):
        """Where the partner's system wants referrals posted, and the secret that signs them."""

        url: str
        secret: str

        def apply(self, partner: Partner) -> None:
            partner.webhook_url = self.url
            partner.webhook_secret = self.secret

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
            categories=_categories(categories),
            blocks=_blocks(blocks),
            weekly_capacity=_capacity(weekly_capacity),
            contact=_check.optional_text("contact", contact),
            **_check.stamp(actor, occurred_at),
        )

    def change_services(
        self,
        *,
        categories: Sequence[str],
        blocks: Sequence[str],
        actor: str,
        occurred_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Change the categories served and the blocks covered."""
        new_categories, new_blocks = _categories(categories), _blocks(blocks)
        stamp = _check.stamp(actor, occurred_at)
        if (new_categories, new_blocks) == (self.categories, self.blocks):
            return
        self.trigger_event(
            self.ServicesChanged,
            timestamp=recorded_at,
            categories=new_categories,
            blocks=new_blocks,
            **stamp,
        )

    def change_capacity(
        self, *, weekly_capacity: int, actor: str, occurred_at: datetime, recorded_at: datetime
    ) -> None:
        """Change how many referrals a week the partner takes."""
        capacity, stamp = _capacity(weekly_capacity), _check.stamp(actor, occurred_at)
        if capacity == self.weekly_capacity:
            return
        self.trigger_event(
            self.CapacityChanged, timestamp=recorded_at, weekly_capacity=capacity, **stamp
        )

    def change_contact(
        self, *, contact: str, actor: str, occurred_at: datetime, recorded_at: datetime
    ) -> None:
        """Change the partner's contact details."""
        new_contact, stamp = (
            _check.optional_text("contact", contact),
            _check.stamp(actor, occurred_at),
        )
        if new_contact == self.contact:
            return
        self.trigger_event(self.ContactChanged, timestamp=recorded_at, contact=new_contact, **stamp)

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
        address = _webhook_url(url, policy)
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


def _codes(field: str, values: Sequence[str]) -> list[str]:
    codes = _check.codes(field, values)
    if not codes:
        raise InvalidPartnerError(field, f"{field} must not be empty")
    return codes


def _categories(values: Sequence[str]) -> list[str]:
    return _codes("categories", values)


def _blocks(values: Sequence[str]) -> list[str]:
    blocks = _codes("blocks", values)
    if ALL_BLOCKS in blocks and len(blocks) > 1:
        raise InvalidPartnerError("blocks", 'use ["*"] alone to cover all blocks')
    return blocks


def _capacity(value: int) -> int:
    # bool is an int subclass; True as a capacity is a caller's mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPartnerError("weekly_capacity", "weekly_capacity must be a whole number")
    if value < 0:
        raise InvalidPartnerError("weekly_capacity", "weekly_capacity must not be negative")
    return value


def _webhook_url(value: str, policy: WebhookPolicy) -> str:
    url = _check.optional_text("webhook_url", value, 500)
    refusal = url_refusal(url, policy) if url else None
    if refusal is not None:
        raise InvalidPartnerError("webhook_url", f"webhook_url: {refusal}")
    return url
