"""The Need aggregate: one event stream is the whole history of a case.

Here are its state and the events that change it; each event is stored under its topic,
`needs.domain:Need.<Event>`, so the events stay nested in Need. The commands that trigger them
are mixed in from needs.case_commands and needs.referral_commands.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast
from uuid import UUID

from eventsourcing.domain import Aggregate

from kernel.checks import Stamp, text
from needs import referral_rules as rules
from needs.case_commands import CaseCommands
from needs.erasure import blank_personal_data, salt_personal_data
from needs.referral_commands import ReferralCommands
from needs.referral_rules import Lapse
from needs.values import (
    DeclineReason,
    Household,
    NeedStatus,
    Note,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    Resolution,
    Urgency,
    Visit,
)
from store.chain import GENESIS, link

__all__ = ["Lapse", "Need", "Stamp", "text"]


class Need(CaseCommands, ReferralCommands, Aggregate):
    """A resident's urgent need on the menu, from logging to resolution, with its referrals."""

    # Defaults for cases whose snapshots were taken before escalation existed.
    escalated_at = cast("datetime | None", None)
    escalation_reason = ""
    chain_head = GENESIS  # the hash of the case's newest event
    erased_at = cast("datetime | None", None)
    erased_by = cast("str | None", None)

    class Event(Aggregate.Event):
        # Dotted paths of the values about the resident: sealed with the household's key,
        # chained by commitment, erasable (store.sealing). Such events carry a `salt`.
        personal: ClassVar[tuple[str, ...]] = ()
        actor: str
        occurred_at: datetime
        chain: str  # this event's hash, chained to the case's previous event (store.chain)

        def mutate(self, aggregate: Any) -> Any:
            need: Any = super().mutate(aggregate)
            need.chain_head = self.chain
            return need

    class NeedLogged(Event, Aggregate.Created):
        personal = (
            "resident_name",
            "contact_phone",
            "description",
            "household.unit",
            "household.room",
        )
        salt: str
        community: str
        category: str
        block: str
        household: Household
        resident_name: str
        contact_phone: str
        description: str
        urgency: Urgency
        consent_to_share: bool

    def __init__(
        self,
        community: str,
        category: str,
        block: str,
        household: Household,
        resident_name: str,
        contact_phone: str,
        description: str,
        urgency: Urgency,
        consent_to_share: bool,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.community = community
        self.category = category
        self.block = block
        self.household = household
        self.resident_name = resident_name
        self.contact_phone = contact_phone
        self.description = description
        self.urgency = urgency
        self.consent_to_share = consent_to_share
        self.consent_recorded_by = actor
        self.logged_by = actor
        self.logged_at = occurred_at
        self.status = NeedStatus.OPEN
        self.assignee: str | None = None
        self.referrals: list[Referral] = []
        self.visits: list[Visit] = []
        self.notes: list[Note] = []
        self.resolution: Resolution | None = None
        self.summary = ""

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Every event after the first is chained to the one before it; an erased case takes
        no new personal data."""
        personal = event_class.personal
        if personal:
            salt_personal_data(self, personal, kwargs)
        version, kind, at = self.version + 1, event_class.__name__, kwargs["timestamp"]
        kwargs["chain"] = link(self.chain_head, self.id, version, kind, at, kwargs, personal)
        super().trigger_event(event_class, **kwargs)

    # --- the case itself (its commands: needs.case_commands) --------------------------

    class Assigned(Event):
        assignee: str

        def apply(self, need: Need) -> None:
            need.assignee = self.assignee
            need._start_work()

    class VisitRecorded(Event):
        notes: str
        personal = ("notes",)
        salt: str

        def apply(self, need: Need) -> None:
            need.visits.append(Visit(self.occurred_at, self.actor, self.notes))
            need._start_work()

    class NoteAdded(Event):
        text: str
        personal = ("text",)
        salt: str

        def apply(self, need: Need) -> None:
            need.notes.append(Note(self.text, self.actor, self.occurred_at))

    class UrgencyChanged(Event):
        urgency: Urgency
        reason: str
        personal = ("reason",)
        salt: str

        def apply(self, need: Need) -> None:
            need.urgency = self.urgency

    class ConsentGiven(Event):
        def apply(self, need: Need) -> None:
            need.consent_to_share = True
            need.consent_recorded_by = self.actor

    class ConsentWithdrawn(Event):
        def apply(self, need: Need) -> None:
            need.consent_to_share = False
            need.consent_recorded_by = self.actor

    class Resolved(Event):
        outcome: Resolution
        summary: str
        personal = ("summary",)
        salt: str

        def apply(self, need: Need) -> None:
            need.status = NeedStatus.RESOLVED
            need.resolution = self.outcome
            need.summary = self.summary
            need.escalated_at = None

    class Reopened(Event):
        reason: str
        personal = ("reason",)
        salt: str

        def apply(self, need: Need) -> None:
            need.status = NeedStatus.OPEN
            need.resolution = None

    # --- referrals and their clock (needs.referral_commands, needs.referral_rules) ------

    class Referred(Event):
        referral_id: UUID
        partner_id: UUID
        partner_name: str
        note: str
        respond_by: datetime
        override_reason: str
        personal = ("note", "override_reason")
        salt: str

        def apply(self, need: Need) -> None:
            need.referrals.append(rules.sent(self))
            need._start_work()
            need.escalated_at = None

    class ReferralEvent(Event):
        referral_id: UUID

        def apply(self, need: Need) -> None:
            referral = need.referral(self.referral_id)
            referral.version += 1
            self.change(referral)

        def change(self, referral: Referral) -> None:
            raise NotImplementedError

    class ReferralAccepted(ReferralEvent):
        note: str
        personal = ("note",)
        salt: str

        def change(self, referral: Referral) -> None:
            rules.accepted(referral, self.timestamp, self.note)

    class ReferralDeclined(ReferralEvent):
        """A partner declined. Version 1 carried only free text; codes came with version 2."""

        class_version = 2
        reason: DeclineReason
        note: str
        personal = ("note",)
        salt: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["note"] = state.pop("reason", "") or ""
            state["reason"] = DeclineReason.OTHER
            state.setdefault("chain", "")  # declines of version 1 predate the chain
            state.setdefault("salt", "")

        def change(self, referral: Referral) -> None:
            rules.declined(referral, self.timestamp, self.reason, self.note)

    class ReferralExpired(ReferralEvent):
        def change(self, referral: Referral) -> None:
            rules.closed(referral, self.timestamp, ReferralStatus.EXPIRED)

    class ReferralWithdrawn(ReferralEvent):
        reason: str
        personal = ("reason",)
        salt: str

        def change(self, referral: Referral) -> None:
            rules.closed(referral, self.timestamp, ReferralStatus.WITHDRAWN)

    class ReferralCompleted(ReferralEvent):
        outcome: ReferralOutcome
        note: str
        personal = ("note",)
        salt: str

        def change(self, referral: Referral) -> None:
            rules.completed(referral, self.timestamp, self.outcome, self.note)

    class Escalated(Event):
        reason: str

        def apply(self, need: Need) -> None:
            need.escalated_at = self.timestamp
            need.escalation_reason = self.reason

    class ReferralDeliveryFailed(Event):
        """The partner could not be told of the referral; not the partner's own step, so the
        referral's version stays as it is."""

        referral_id: UUID
        delivery_id: UUID
        attempts: int
        last_error: str

        def apply(self, need: Need) -> None:
            need.referral(self.referral_id).delivery_failed = True

    # --- erasure: the household's key is destroyed, the history stays (needs.erasure) ---

    class PersonalDataErased(Event):
        """The household's personal data was erased; only its commitments remain."""

        household_id: UUID

        def apply(self, need: Need) -> None:
            need.erased_at = self.timestamp
            need.erased_by = self.actor
            blank_personal_data(need)

    def _start_work(self) -> None:
        if self.status is NeedStatus.OPEN:
            self.status = NeedStatus.IN_PROGRESS
