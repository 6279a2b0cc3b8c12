"""What happens to a case: the Need aggregate's events, each with its fields and how it applies.
The aggregate (needs.domain) binds each of them as a nested class, so they are stored under their
topics there (`needs.domain:Need.NeedLogged`, …), as they always were."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from needs import referral_rules as rules
from needs.values import (
    DeclineReason,
    FollowUp,
    FollowUpVerdict,
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
from store.chain import Erased
from store.commands import CommandEvent

if TYPE_CHECKING:
    from needs.domain import Need


class NeedEvent(CommandEvent, Aggregate.Event):
    """Who did it and when, and the link to the event before it in the case's chain."""

    # Dotted paths of the values about the resident: sealed with the household's key,
    # chained by commitment, erasable (store.sealing). Such events carry a `salt`.
    personal: ClassVar[tuple[str, ...]] = ()
    # Stored at a class version below this, the event predates the chain and has no hash
    # (needs.audit lets only those lack one). Only ReferralDeclined was not chained at 1.
    first_chained_version: ClassVar[int] = 1
    actor: str
    occurred_at: datetime
    chain: str  # this event's hash, chained to the case's previous event (store.chain)

    def mutate(self, aggregate: Any) -> Any:
        need: Any = super().mutate(aggregate)
        need.chain_head = self.chain
        return need


class NeedLogged(NeedEvent, Aggregate.Created):
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


class DuplicateNoted(NeedEvent):
    duplicate_of: UUID
    confirmed: bool

    def apply(self, need: Need) -> None:
        need.duplicate_of, need.duplicate_confirmed = self.duplicate_of, self.confirmed


class Assigned(NeedEvent):
    """Version 3 added why (a handover moving a block's caseload); None before, and when
    nobody said."""

    class_version = 3
    assignee: str
    reason: str | None

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        state["reason"] = None

    def apply(self, need: Need) -> None:
        need.assignee = self.assignee
        need._start_work()


class VolunteerAssigned(NeedEvent):
    group_id: UUID
    member_id: UUID

    def apply(self, need: Need) -> None:
        need.volunteer = {"group_id": self.group_id, "member_id": self.member_id}


class VisitRecorded(NeedEvent):
    notes: str
    personal = ("notes",)
    salt: str

    def apply(self, need: Need) -> None:
        need.visits.append(Visit(self.occurred_at, self.actor, self.notes))
        need._start_work()


class NoteAdded(NeedEvent):
    text: str
    personal = ("text",)
    salt: str

    def apply(self, need: Need) -> None:
        need.notes.append(Note(self.text, self.actor, self.occurred_at))


class UrgencyChanged(NeedEvent):
    urgency: Urgency
    reason: str
    personal = ("reason",)
    salt: str

    def apply(self, need: Need) -> None:
        need.urgency = self.urgency


class ConsentGiven(NeedEvent):
    def apply(self, need: Need) -> None:
        need.consent_to_share = True
        need.consent_recorded_by = self.actor


class ConsentWithdrawn(NeedEvent):
    def apply(self, need: Need) -> None:
        need.consent_to_share = False
        need.consent_recorded_by = self.actor


class Resolved(NeedEvent):
    outcome: Resolution
    summary: str
    personal = ("summary",)
    salt: str

    def apply(self, need: Need) -> None:
        need.status, need.resolution = NeedStatus.RESOLVED, self.outcome
        need.summary, need.escalated_at = self.summary, None
        need.resolved_at, need.follow_up = self.occurred_at, None


class Reopened(NeedEvent):
    reason: str
    personal = ("reason",)
    salt: str

    def apply(self, need: Need) -> None:
        need.status, need.resolution = NeedStatus.OPEN, None
        need.reopened_at, need.reopen_reason = self.occurred_at, self.reason


class FollowedUp(NeedEvent):
    verdict: FollowUpVerdict
    note: str
    personal = ("note",)
    salt: str

    def apply(self, need: Need) -> None:
        need.follow_up = FollowUp(self.verdict, self.note, self.actor, self.occurred_at)


class Escalated(NeedEvent):
    reason: str

    def apply(self, need: Need) -> None:
        need.escalated_at, need.escalation_reason = self.timestamp, self.reason


class Referred(NeedEvent):
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


class ReferralEvent(NeedEvent):
    referral_id: UUID

    def apply(self, need: Need) -> None:
        referral = need.referral(self.referral_id)
        referral.version += 1
        self.change(referral)

    if TYPE_CHECKING:  # each of the referral's events says how it changes the referral

        def change(self, referral: Referral) -> None: ...


class ReferralAccepted(ReferralEvent):
    note: str
    personal = ("note",)
    salt: str

    def change(self, referral: Referral) -> None:
        rules.accepted(referral, self.timestamp, self.note)


class ReferralDeclined(ReferralEvent):
    """A partner declined. Version 1 carried only free text; codes came with version 2,
    the command's id (as every event's) with version 3."""

    class_version = 3
    first_chained_version = 2
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

    upcast_v2_v3 = staticmethod(CommandEvent.upcast_v1_v2)

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


class ReferralDeliveryFailed(NeedEvent):
    """Not the partner's own step: the referral's version stays as it is."""

    referral_id: UUID
    delivery_id: UUID
    attempts: int
    last_error: str

    def apply(self, need: Need) -> None:
        need.referral(self.referral_id).delivery_failed = True


class PersonalDataErased(NeedEvent):
    """The household's personal data was erased; only its commitments remain."""

    household_id: UUID

    def apply(self, need: Need) -> None:
        need.erased_at, need.erased_by = self.timestamp, self.actor
        gone = Erased("")
        need.resident_name = need.contact_phone = need.description = need.summary = gone
        need.household = replace(need.household, unit=gone, room=gone)
        need.visits = [replace(v, notes=gone) for v in need.visits]
        need.notes = [replace(n, text=gone) for n in need.notes]
        if need.follow_up is not None:
            need.follow_up = replace(need.follow_up, note=gone)
        need.reopen_reason = gone
        for referral in need.referrals:
            referral.note = referral.partner_note = referral.override_reason = gone
