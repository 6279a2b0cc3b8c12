"""What happens to a partner: the Partner aggregate's events, each with its fields and how it
applies. The aggregate (partners.domain) binds each of them as a nested class, so they are stored
under their topics there (`partners.domain:Partner.Registered`, …), as they always were."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

if TYPE_CHECKING:
    from partners.domain import Partner


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


# What a partner registered before modes, contact cards and pauses starts with.
NEW_STATE: dict[str, Any] = {
    "mode": "",
    "phone": "",
    "email": "",
    "address": "",
    "paused_from": "",
    "paused_until": "",
    "pause_reason": "",
    "capacity_week": "",
    "week_capacity": 0,
}


class PartnerEvent(Aggregate.Event):
    """Base of the partner's events: who did it and when it happened on their side."""

    actor: str
    occurred_at: datetime


class Registered(PartnerEvent, Aggregate.Created):
    """The partner was added to the directory."""

    community: str
    name: str
    kind: PartnerKind
    categories: list[str]
    blocks: list[str]
    weekly_capacity: int
    contact: str
    mode: str
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["mode"] = ""

    def apply(self, partner: Partner) -> None:
        partner.__dict__.update(NEW_STATE, people=[])
        partner.mode = self.mode
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


class ServicesChanged(PartnerEvent):
    """The categories served or blocks covered were changed."""

    categories: list[str]
    blocks: list[str]
    reason: str
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["reason"] = ""

    def apply(self, partner: Partner) -> None:
        partner.categories = list(self.categories)
        partner.blocks = list(self.blocks)


class CapacityChanged(PartnerEvent):
    """The number of referrals the partner takes a week was changed."""

    weekly_capacity: int
    reason: str
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["reason"] = ""

    def apply(self, partner: Partner) -> None:
        partner.weekly_capacity = self.weekly_capacity


class ContactChanged(PartnerEvent):
    """The partner's contact details were changed."""

    contact: str
    phone: str
    email: str
    address: str
    people: list[dict[str, Any]]
    reason: str
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.update(phone="", email="", address="", people=[], reason="")

    def apply(self, partner: Partner) -> None:
        partner.contact = self.contact
        partner.phone = self.phone
        partner.email = self.email
        partner.address = self.address
        partner.people = [dict(person) for person in self.people]


class DetailsChanged(PartnerEvent):
    """The partner's name, kind or partnership mode was changed."""

    name: str
    kind: PartnerKind
    mode: str
    reason: str

    def apply(self, partner: Partner) -> None:
        partner.name = self.name
        partner.kind = self.kind
        partner.mode = self.mode


class WeekCapacitySet(PartnerEvent):
    """The partner said how many referrals it can take in one week (this week, usually)."""

    week: str
    weekly_capacity: int
    reason: str

    def apply(self, partner: Partner) -> None:
        partner.capacity_week = self.week
        partner.week_capacity = self.weekly_capacity


class Paused(PartnerEvent):
    """The partner takes no new referrals from one day to another, for a reason."""

    starts_on: str
    ends_on: str
    reason: str

    def apply(self, partner: Partner) -> None:
        partner.paused_from = self.starts_on
        partner.paused_until = self.ends_on
        partner.pause_reason = self.reason


class PauseEnded(PartnerEvent):
    """The partner ended its pause early."""

    def apply(self, partner: Partner) -> None:
        partner.paused_from = partner.paused_until = partner.pause_reason = ""


class Suspended(PartnerEvent):
    """The partner stopped receiving new referrals."""

    reason: str

    def apply(self, partner: Partner) -> None:
        partner.active = False
        partner.suspension_reason = self.reason


class Reactivated(PartnerEvent):
    """The partner receives new referrals again."""

    def apply(self, partner: Partner) -> None:
        partner.active = True
        partner.suspension_reason = ""


class WebhookSet(PartnerEvent):
    """Where the partner's system wants referrals posted, and the secret that signs them."""

    url: str
    secret: str

    def apply(self, partner: Partner) -> None:
        partner.webhook_url = self.url
        partner.webhook_secret = self.secret
