"""The Need aggregate: one event stream is the whole history of a case. Its state, then its
commands, each followed by the events it triggers (stored as `needs.domain:Need.<Event>`): the case
itself, its referrals to partners, the erasure of the resident's data."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self, cast
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from kernel.checks import Stamp, phone, text
from kernel.community import Community
from needs import referral_rules as rules
from needs.erasure import salt_personal_data
from needs.exceptions import FollowUpRefusedError, NeedNotResolvedError, NeedResolvedError
from needs.values import (
    DeclineReason,
    FollowUp,
    FollowUpVerdict,
    Household,
    NeedStatus,
    Note,
    PartnerTerms,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    Resolution,
    Urgency,
    Visit,
    parse_code,
)
from store.chain import GENESIS, Erased, link
from store.commands import CommandEvent

SENT, ACCEPTED = ReferralStatus.SENT, ReferralStatus.ACCEPTED


class Need(Aggregate):
    """A resident's urgent need on the menu, from logging to resolution, with its referrals."""

    # Defaults for cases whose snapshots were taken before escalation existed.
    escalated_at = cast("datetime | None", None)
    escalation_reason = ""
    chain_head = GENESIS  # the hash of the case's newest event
    erased_at = cast("datetime | None", None)
    erased_by = cast("str | None", None)
    duplicate_of = cast("UUID | None", None)  # an open need of the household's, same category
    duplicate_confirmed = False  # the leader logged it knowing of that one
    resolved_at = cast("datetime | None", None)
    follow_up = cast("FollowUp | None", None)  # the follow-up after the latest resolution
    reopened_at = cast("datetime | None", None)
    reopen_reason = ""
    volunteer = cast("dict[str, UUID] | None", None)  # the group member who helps; not the owner

    class Event(CommandEvent, Aggregate.Event):
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

    # --- every event is chained to the one before it, the first to GENESIS -----------------

    @classmethod
    def _create(cls, event_class: Any, *, id: UUID | None = None, **kwargs: Any) -> Self:
        id = id or uuid4()
        kwargs["chain"] = cls._chain(event_class, kwargs, id, cls.INITIAL_VERSION, GENESIS)
        return super()._create(event_class, id=id, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        if event_class.personal:  # salted; an erased case takes no new personal data
            salt_personal_data(self.erased_at, event_class.personal, kwargs)
        kwargs["chain"] = self._chain(
            event_class, kwargs, self.id, self.version + 1, self.chain_head
        )
        super().trigger_event(event_class, **kwargs)

    @staticmethod
    def _chain(event: Any, kwargs: dict[str, Any], case: UUID, version: int, previous: str) -> str:
        """The event's hash after `previous`: the one place a case's chain is computed."""
        kind, at, personal = event.__name__, kwargs["timestamp"], event.personal
        return link(previous, case, version, kind, at, kwargs, personal)

    # --- the case itself ---------------------------------------------------------------------

    @classmethod
    def log(
        cls,
        community: Community,
        *,
        category: str,
        block: str,
        household: Household,
        resident_name: str | None,
        contact_phone: str | None,
        description: str,
        urgency: str | Urgency,
        consent_to_share: bool,
        stamp: Stamp,
        need_id: UUID | None = None,
    ) -> Need:
        """Log a new need, checking it against the community's menu and blocks."""
        community.category(category)
        community.building_in_block(block, household.building)
        return cls._create(
            cls.NeedLogged,
            id=need_id,
            community=community.id,
            category=category,
            block=block,
            household=household,
            resident_name=text(resident_name, "resident_name", required=False, limit=100),
            contact_phone=phone(contact_phone),
            description=text(description, "description"),
            urgency=parse_code(Urgency, urgency, "urgency"),
            consent_to_share=bool(consent_to_share),
            salt=secrets.token_hex(16),
            **stamp.event_kwargs(),
        )

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

    def note_duplicate(self, duplicate_of: UUID, confirmed: bool, stamp: Stamp) -> None:
        """Note that the household had an open need in this category when this one was logged:
        confirmed when the leader logged it anyway, else flagged for the leader to look at."""
        self.trigger_event(
            self.DuplicateNoted,
            duplicate_of=duplicate_of,
            confirmed=bool(confirmed),
            **stamp.event_kwargs(),
        )

    class DuplicateNoted(Event):
        duplicate_of: UUID
        confirmed: bool

        def apply(self, need: Need) -> None:
            need.duplicate_of, need.duplicate_confirmed = self.duplicate_of, self.confirmed

    def assign(self, assignee: str, stamp: Stamp, *, reason: str | None = None) -> None:
        """Give the case to a person who answers for it (`reason`: e.g. "handover")."""
        self._refuse_if_resolved()
        assignee = text(assignee, "assignee", limit=150)
        reason = text(reason, "reason", required=False, limit=100) or None
        self.trigger_event(self.Assigned, assignee=assignee, reason=reason, **stamp.event_kwargs())

    class Assigned(Event):
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

    def assign_volunteer(self, group_id: UUID, member_id: UUID, stamp: Stamp) -> None:
        """Ask a volunteer of the block's group to help with the case; its owner stays."""
        self._refuse_if_resolved()
        if self.volunteer == {"group_id": group_id, "member_id": member_id}:
            return
        self.trigger_event(
            self.VolunteerAssigned,
            group_id=group_id,
            member_id=member_id,
            **stamp.event_kwargs(),
        )

    class VolunteerAssigned(Event):
        group_id: UUID
        member_id: UUID

        def apply(self, need: Need) -> None:
            need.volunteer = {"group_id": self.group_id, "member_id": self.member_id}

    def record_visit(self, notes: str, stamp: Stamp) -> None:
        """Record a visit to the household (occurred_at is when the visit took place)."""
        self._refuse_if_resolved()
        notes = text(notes, "notes", required=False)
        self.trigger_event(self.VisitRecorded, notes=notes, **stamp.event_kwargs())

    class VisitRecorded(Event):
        notes: str
        personal = ("notes",)
        salt: str

        def apply(self, need: Need) -> None:
            need.visits.append(Visit(self.occurred_at, self.actor, self.notes))
            need._start_work()

    def add_note(self, note: str, stamp: Stamp) -> None:
        """Add a note; notes are welcome at any stage, resolved cases included."""
        self.trigger_event(self.NoteAdded, text=text(note, "text"), **stamp.event_kwargs())

    class NoteAdded(Event):
        text: str
        personal = ("text",)
        salt: str

        def apply(self, need: Need) -> None:
            need.notes.append(Note(self.text, self.actor, self.occurred_at))

    def change_urgency(self, urgency: str | Urgency, reason: str, stamp: Stamp) -> None:
        """Raise or lower the urgency, saying why."""
        self._refuse_if_resolved()
        level = parse_code(Urgency, urgency, "urgency")
        reason = text(reason, "reason", required=False, limit=500)
        self.trigger_event(
            self.UrgencyChanged, urgency=level, reason=reason, **stamp.event_kwargs()
        )

    class UrgencyChanged(Event):
        urgency: Urgency
        reason: str
        personal = ("reason",)
        salt: str

        def apply(self, need: Need) -> None:
            need.urgency = self.urgency

    def record_consent(self, consent_to_share: bool, stamp: Stamp) -> None:
        """Record the resident's consent to share personal data with partners, or its withdrawal."""
        event = self.ConsentGiven if consent_to_share else self.ConsentWithdrawn
        self.trigger_event(event, **stamp.event_kwargs())

    class ConsentGiven(Event):
        def apply(self, need: Need) -> None:
            need.consent_to_share = True
            need.consent_recorded_by = self.actor

    class ConsentWithdrawn(Event):
        def apply(self, need: Need) -> None:
            need.consent_to_share = False
            need.consent_recorded_by = self.actor

    def resolve(self, outcome: str | Resolution, summary: str, stamp: Stamp) -> None:
        """Close the case; not while a partner still holds an open referral."""
        self._refuse_if_resolved()
        rules.refuse_open_referrals(self.referrals)
        result = parse_code(Resolution, outcome, "outcome")
        summary = text(summary, "summary", required=False)
        self.trigger_event(self.Resolved, outcome=result, summary=summary, **stamp.event_kwargs())

    class Resolved(Event):
        outcome: Resolution
        summary: str
        personal = ("summary",)
        salt: str

        def apply(self, need: Need) -> None:
            need.status, need.resolution = NeedStatus.RESOLVED, self.outcome
            need.summary, need.escalated_at = self.summary, None
            need.resolved_at, need.follow_up = self.occurred_at, None

    def reopen(self, reason: str, stamp: Stamp) -> None:
        """Open a resolved case again, saying why."""
        if self.status is not NeedStatus.RESOLVED:
            raise NeedNotResolvedError(
                f"only a resolved need can be reopened; this one is {self.status.value}"
            )
        reason = text(reason, "reason", limit=500)
        self.trigger_event(self.Reopened, reason=reason, **stamp.event_kwargs())

    class Reopened(Event):
        reason: str
        personal = ("reason",)
        salt: str

        def apply(self, need: Need) -> None:
            need.status, need.resolution = NeedStatus.OPEN, None
            need.reopened_at, need.reopen_reason = self.occurred_at, self.reason

    def record_follow_up(self, verdict: str | FollowUpVerdict, note: str, stamp: Stamp) -> None:
        """Record what the resident said at the follow-up visit (回访) after the resolution."""
        if self.status is not NeedStatus.RESOLVED and self.reopened_at is not None:
            raise FollowUpRefusedError(
                f"the need was reopened on {self.reopened_at.date().isoformat()} "
                f"({self.reopen_reason}): it is followed up once it is resolved again"
            )
        if self.status is not NeedStatus.RESOLVED:
            raise FollowUpRefusedError(
                f"only a resolved need is followed up; this one is {self.status.value}"
            )
        if self.follow_up is not None:
            raise FollowUpRefusedError(
                f"the need was followed up already by {self.follow_up.by} "
                f"({self.follow_up.verdict.value})"
            )
        result = parse_code(FollowUpVerdict, verdict, "verdict")
        note = text(note, "note", required=False)
        self.trigger_event(self.FollowedUp, verdict=result, note=note, **stamp.event_kwargs())

    class FollowedUp(Event):
        verdict: FollowUpVerdict
        note: str
        personal = ("note",)
        salt: str

        def apply(self, need: Need) -> None:
            need.follow_up = FollowUp(self.verdict, self.note, self.actor, self.occurred_at)

    def escalate(self, reason: str, stamp: Stamp) -> None:
        """Put the case on the secretary's board until someone refers or resolves it."""
        self._refuse_if_resolved()
        reason = text(reason, "reason", limit=500)
        self.trigger_event(self.Escalated, reason=reason, **stamp.event_kwargs())

    class Escalated(Event):
        reason: str

        def apply(self, need: Need) -> None:
            need.escalated_at, need.escalation_reason = self.timestamp, self.reason

    def _refuse_if_resolved(self) -> None:
        if self.status is NeedStatus.RESOLVED:
            raise NeedResolvedError("the need is resolved; reopen it first")

    def _start_work(self) -> None:
        if self.status is NeedStatus.OPEN:
            self.status = NeedStatus.IN_PROGRESS

    # --- referrals to partners, and the referral clock (the rules: needs.referral_rules) ------

    def refer(
        self,
        partner: PartnerTerms,
        note: str,
        respond_within: timedelta,
        stamp: Stamp,
        *,
        override_reason: str | None = None,
        may_override: bool = False,
        referral_id: UUID | None = None,
    ) -> UUID:
        """Hand the case to a partner, who answers within the SLA; a retried referral id is kept."""
        if referral_id is not None and any(r.id == referral_id for r in self.referrals):
            return referral_id
        self._refuse_if_resolved()
        rules.check_partner_may_take(partner, self.referrals)
        override = text(override_reason, "override_reason", required=False, limit=500)
        rules.check_scope(partner, self.category, self.block, override, may_override)
        referral_id = referral_id or uuid4()
        self.trigger_event(
            self.Referred,
            referral_id=referral_id,
            partner_id=partner.partner_id,
            partner_name=partner.name,
            note=text(note, "note", required=False),
            respond_by=stamp.recorded_at + respond_within,
            override_reason=override,
            **stamp.event_kwargs(),
        )
        return referral_id

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

    def accept_referral(self, referral_id: UUID, note: str, stamp: Stamp) -> None:
        """The partner takes the referral on."""
        self._step(referral_id, "accept", (SENT,))
        note = text(note, "note", required=False)
        self._referral_event(self.ReferralAccepted, referral_id, stamp, note=note)

    class ReferralAccepted(ReferralEvent):
        note: str
        personal = ("note",)
        salt: str

        def change(self, referral: Referral) -> None:
            rules.accepted(referral, self.timestamp, self.note)

    def decline_referral(
        self, referral_id: UUID, reason: str | DeclineReason | None, note: str, stamp: Stamp
    ) -> None:
        """The partner turns the referral down, with a reason code."""
        self._step(referral_id, "decline", (SENT,))
        code = rules.decline_reason(reason)
        note = text(note, "note", required=False)
        self._referral_event(self.ReferralDeclined, referral_id, stamp, reason=code, note=note)

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

    def expire_referral(self, referral_id: UUID, stamp: Stamp) -> None:
        """Nobody answered in time: the referral lapses."""
        self._step(referral_id, "expire", (SENT,))
        self._referral_event(self.ReferralExpired, referral_id, stamp)

    class ReferralExpired(ReferralEvent):
        def change(self, referral: Referral) -> None:
            rules.closed(referral, self.timestamp, ReferralStatus.EXPIRED)

    def withdraw_referral(self, referral_id: UUID, reason: str, stamp: Stamp) -> None:
        """The committee takes the referral back."""
        self._step(referral_id, "withdraw", (SENT, ACCEPTED))
        reason = text(reason, "reason", required=False, limit=500)
        self._referral_event(self.ReferralWithdrawn, referral_id, stamp, reason=reason)

    class ReferralWithdrawn(ReferralEvent):
        reason: str
        personal = ("reason",)
        salt: str

        def change(self, referral: Referral) -> None:
            rules.closed(referral, self.timestamp, ReferralStatus.WITHDRAWN)

    def complete_referral(
        self, referral_id: UUID, outcome: str | ReferralOutcome, note: str, stamp: Stamp
    ) -> None:
        """The partner reports the outcome of an accepted referral."""
        self._step(referral_id, "complete", (ACCEPTED,))
        result = parse_code(ReferralOutcome, outcome, "outcome")
        note = text(note, "note", required=False)
        self._referral_event(self.ReferralCompleted, referral_id, stamp, outcome=result, note=note)

    class ReferralCompleted(ReferralEvent):
        outcome: ReferralOutcome
        note: str
        personal = ("note",)
        salt: str

        def change(self, referral: Referral) -> None:
            rules.completed(referral, self.timestamp, self.outcome, self.note)

    def record_delivery_failure(
        self, referral_id: UUID, delivery_id: UUID, attempts: int, last_error: str, stamp: Stamp
    ) -> None:
        """Every attempt to tell the partner of the referral failed; recorded once."""
        if self.referral(referral_id).delivery_failed:
            return
        self.trigger_event(
            self.ReferralDeliveryFailed,
            referral_id=referral_id,
            delivery_id=delivery_id,
            attempts=attempts,
            last_error=text(last_error[:500], "last_error", required=False, limit=500),
            **stamp.event_kwargs(),
        )

    class ReferralDeliveryFailed(Event):
        """Not the partner's own step: the referral's version stays as it is."""

        referral_id: UUID
        delivery_id: UUID
        attempts: int
        last_error: str

        def apply(self, need: Need) -> None:
            need.referral(self.referral_id).delivery_failed = True

    def referral(self, referral_id: UUID) -> Referral:
        """The referral with this id, or ReferralNotFoundError."""
        return rules.find_referral(self.referrals, referral_id)

    @property
    def excluded_partner_ids(self) -> frozenset[UUID]:
        """Partners that declined or let this case's referral expire: never offered it again."""
        return rules.excluded_partner_ids(self.referrals)

    @property
    def engaged_partner_ids(self) -> frozenset[UUID]:
        """Partners holding an open referral for this case."""
        return rules.engaged_partner_ids(self.referrals)

    def _step(self, referral_id: UUID, verb: str, allowed: tuple[ReferralStatus, ...]) -> None:
        rules.check_step(self.referral(referral_id), verb, allowed)

    def _referral_event(
        self, event_class: Any, referral_id: UUID, stamp: Stamp, **fields: Any
    ) -> None:
        self.trigger_event(event_class, referral_id=referral_id, **fields, **stamp.event_kwargs())

    # --- erasure: the household's key is destroyed, the history stays (needs.erasure) --------

    def erase_personal_data(self, stamp: Stamp) -> None:
        """Mark the case erased, so every copy of it forgets the resident; once is enough."""
        if self.erased_at is None:
            self.trigger_event(
                self.PersonalDataErased, household_id=self.household.id, **stamp.event_kwargs()
            )

    class PersonalDataErased(Event):
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
