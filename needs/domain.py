"""The Need aggregate: one event stream is the whole history of a case."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar, cast
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from needs.chain import ERASED_TEXT, GENESIS, Erased, get_path, link
from needs.community import Community
from needs.exceptions import (
    DeclineReasonRequiredError,
    HouseholdErasedError,
    InvalidInputError,
    InvalidTransitionError,
    NeedNotResolvedError,
    NeedResolvedError,
    OpenReferralsError,
    OverrideNotAllowedError,
    PartnerAlreadyEngagedError,
    PartnerExcludedError,
    PartnerOutOfScopeError,
    PartnerSuspendedError,
    ReferralNotFoundError,
)
from needs.values import (
    DeclineReason,
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

# A phone's clock may run a little ahead of the server's; more than this is a mistake.
CLOCK_SKEW = timedelta(minutes=10)
# Phones queue work for hours or days; a record back-dated further than this is a mistake.
OLDEST_BACKDATING = timedelta(days=366)
MAX_TEXT = 4000


@dataclass(frozen=True)
class Stamp:
    """Who did it, when it happened (maybe offline, earlier) and when the service recorded it."""

    actor: str
    occurred_at: datetime
    recorded_at: datetime

    def __post_init__(self) -> None:
        if not self.actor:
            raise InvalidInputError("actor", "every command names the user who gives it")
        if self.occurred_at.tzinfo is None:
            raise InvalidInputError("occurred_at", "a time needs its offset, e.g. +08:00")
        if self.occurred_at > self.recorded_at + CLOCK_SKEW:
            raise InvalidInputError("occurred_at", "occurred_at lies in the future")
        if self.occurred_at < self.recorded_at - OLDEST_BACKDATING:
            raise InvalidInputError("occurred_at", "occurred_at is more than a year ago")

    def event_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor, "occurred_at": self.occurred_at, "timestamp": self.recorded_at}


def text(value: str | None, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Free text, trimmed; required text may not be blank."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInputError(field, f"{field} may not be empty")
    if len(cleaned) > limit:
        raise InvalidInputError(field, f"{field} is longer than {limit} characters")
    return cleaned


class Need(Aggregate):
    """A resident's urgent need on the menu, from logging to resolution, with its referrals."""

    # Defaults for cases whose snapshots were taken before escalation existed.
    escalated_at = cast("datetime | None", None)
    escalation_reason = ""
    chain_head = GENESIS  # the hash of the case's newest event
    erased_at = cast("datetime | None", None)
    erased_by = cast("str | None", None)

    class Event(Aggregate.Event):
        # Dotted paths of the values about the resident: sealed with the household's key,
        # chained by commitment, erasable (needs.sealing). Such events carry a `salt`.
        personal: ClassVar[tuple[str, ...]] = ()
        actor: str
        occurred_at: datetime
        chain: str  # this event's hash, chained to the case's previous event (needs.chain)

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
        need_id = need_id or uuid4()
        content = dict(
            community=community.id,
            category=category,
            block=block,
            household=household,
            resident_name=text(resident_name, "resident_name", required=False, limit=100),
            contact_phone=_phone(contact_phone),
            description=text(description, "description"),
            urgency=parse_code(Urgency, urgency, "urgency"),
            consent_to_share=bool(consent_to_share),
            salt=secrets.token_hex(16),
            **stamp.event_kwargs(),
        )
        kind, personal = cls.NeedLogged.__name__, cls.NeedLogged.personal
        chain = link(GENESIS, need_id, 1, kind, stamp.recorded_at, content, personal)
        return cls._create(cls.NeedLogged, id=need_id, chain=chain, **content)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Every event after the first is chained to the one before it; an erased case takes
        no new personal data."""
        personal = event_class.personal
        if personal:
            self._refuse_personal_data_if_erased(personal, kwargs)
            kwargs["salt"] = "" if self.erased_at else secrets.token_hex(16)
        kwargs["chain"] = link(
            self.chain_head,
            self.id,
            self.version + 1,
            event_class.__name__,
            kwargs["timestamp"],
            kwargs,
            personal,
        )
        super().trigger_event(event_class, **kwargs)

    # --- the case itself ---------------------------------------------------------------

    class Assigned(Event):
        assignee: str

        def apply(self, need: Need) -> None:
            need.assignee = self.assignee
            need._start_work()

    def assign(self, assignee: str, stamp: Stamp) -> None:
        """Give the case to a person who answers for it."""
        self._refuse_if_resolved()
        self.trigger_event(
            self.Assigned, assignee=text(assignee, "assignee", limit=150), **stamp.event_kwargs()
        )

    class VisitRecorded(Event):
        notes: str
        personal = ("notes",)
        salt: str

        def apply(self, need: Need) -> None:
            need.visits.append(Visit(self.occurred_at, self.actor, self.notes))
            need._start_work()

    def record_visit(self, notes: str, stamp: Stamp) -> None:
        """Record a visit to the household (occurred_at is when the visit took place)."""
        self._refuse_if_resolved()
        self.trigger_event(
            self.VisitRecorded, notes=text(notes, "notes", required=False), **stamp.event_kwargs()
        )

    class NoteAdded(Event):
        text: str
        personal = ("text",)
        salt: str

        def apply(self, need: Need) -> None:
            need.notes.append(Note(self.text, self.actor, self.occurred_at))

    def add_note(self, note: str, stamp: Stamp) -> None:
        """Add a note; notes are welcome at any stage, resolved cases included."""
        self.trigger_event(self.NoteAdded, text=text(note, "text"), **stamp.event_kwargs())

    class UrgencyChanged(Event):
        urgency: Urgency
        reason: str
        personal = ("reason",)
        salt: str

        def apply(self, need: Need) -> None:
            need.urgency = self.urgency

    def change_urgency(self, urgency: str | Urgency, reason: str, stamp: Stamp) -> None:
        """Raise or lower the urgency, saying why."""
        self._refuse_if_resolved()
        self.trigger_event(
            self.UrgencyChanged,
            urgency=parse_code(Urgency, urgency, "urgency"),
            reason=text(reason, "reason", required=False, limit=500),
            **stamp.event_kwargs(),
        )

    class ConsentGiven(Event):
        def apply(self, need: Need) -> None:
            need.consent_to_share = True
            need.consent_recorded_by = self.actor

    class ConsentWithdrawn(Event):
        def apply(self, need: Need) -> None:
            need.consent_to_share = False
            need.consent_recorded_by = self.actor

    def record_consent(self, consent_to_share: bool, stamp: Stamp) -> None:
        """Record the resident's consent to share personal data with partners, or its withdrawal."""
        event = self.ConsentGiven if consent_to_share else self.ConsentWithdrawn
        self.trigger_event(event, **stamp.event_kwargs())

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

    def resolve(self, outcome: str | Resolution, summary: str, stamp: Stamp) -> None:
        """Close the case; not while a partner still holds an open referral."""
        self._refuse_if_resolved()
        still_open = [r for r in self.referrals if r.status.is_open]
        if still_open:
            names = ", ".join(f"{r.partner_name} ({r.status.value})" for r in still_open)
            raise OpenReferralsError(
                f"the case still has open referrals: {names}; withdraw them or wait for the outcome"
            )
        self.trigger_event(
            self.Resolved,
            outcome=parse_code(Resolution, outcome, "outcome"),
            summary=text(summary, "summary", required=False),
            **stamp.event_kwargs(),
        )

    class Reopened(Event):
        reason: str
        personal = ("reason",)
        salt: str

        def apply(self, need: Need) -> None:
            need.status = NeedStatus.OPEN
            need.resolution = None

    def reopen(self, reason: str, stamp: Stamp) -> None:
        """Open a resolved case again, saying why."""
        if self.status is not NeedStatus.RESOLVED:
            raise NeedNotResolvedError(
                f"only a resolved need can be reopened; this one is {self.status.value}"
            )
        self.trigger_event(
            self.Reopened, reason=text(reason, "reason", limit=500), **stamp.event_kwargs()
        )

    # --- referrals: the closed loop with partners --------------------------------------

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
            need.referrals.append(
                Referral(
                    id=self.referral_id,
                    partner_id=self.partner_id,
                    partner_name=self.partner_name,
                    status=ReferralStatus.SENT,
                    note=self.note,
                    sent_at=self.timestamp,
                    respond_by=self.respond_by,
                    sent_by=self.actor,
                    override_reason=self.override_reason,
                )
            )
            need._start_work()
            need.escalated_at = None

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
        """Hand the case to a partner, who must answer within the category's SLA; a referral
        id already on the case (a retried request) returns it without referring twice."""
        if referral_id is not None and any(r.id == referral_id for r in self.referrals):
            return referral_id
        self._refuse_if_resolved()
        self._check_partner_may_take(partner)
        override = text(override_reason, "override_reason", required=False, limit=500)
        if not (partner.serves(self.category) and partner.covers(self.block)):
            if not may_override:
                raise PartnerOutOfScopeError(
                    f"{partner.name} does not serve {self.category} in block {self.block}"
                )
            if not override:
                raise OverrideNotAllowedError(
                    f"{partner.name} does not serve {self.category} in block {self.block}; "
                    "referring anyway needs an override reason"
                )
        elif override and not may_override:
            raise OverrideNotAllowedError("only the secretary may give an override reason")
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

    def _check_partner_may_take(self, partner: PartnerTerms) -> None:
        if not partner.active:
            raise PartnerSuspendedError(f"{partner.name} is suspended and takes no new referrals")
        if partner.partner_id in self.excluded_partner_ids:
            raise PartnerExcludedError(
                f"{partner.name} already declined or let this case's referral expire"
            )
        if partner.partner_id in self.engaged_partner_ids:
            raise PartnerAlreadyEngagedError(
                f"{partner.name} already holds a referral for this case"
            )

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
            referral.status = ReferralStatus.ACCEPTED
            referral.responded_at = self.timestamp
            referral.partner_note = self.note

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
            referral.status = ReferralStatus.DECLINED
            referral.responded_at = self.timestamp
            referral.decline_reason = self.reason
            referral.partner_note = self.note
            referral.closed_at = self.timestamp

    class ReferralExpired(ReferralEvent):
        def change(self, referral: Referral) -> None:
            referral.status = ReferralStatus.EXPIRED
            referral.closed_at = self.timestamp

    class ReferralWithdrawn(ReferralEvent):
        reason: str
        personal = ("reason",)
        salt: str

        def change(self, referral: Referral) -> None:
            referral.status = ReferralStatus.WITHDRAWN
            referral.closed_at = self.timestamp

    class ReferralCompleted(ReferralEvent):
        outcome: ReferralOutcome
        note: str
        personal = ("note",)
        salt: str

        def change(self, referral: Referral) -> None:
            referral.status = ReferralStatus.COMPLETED
            referral.outcome = self.outcome
            referral.partner_note = self.note
            referral.closed_at = self.timestamp

    def accept_referral(self, referral_id: UUID, note: str, stamp: Stamp) -> None:
        """The partner takes the referral on."""
        self._step(referral_id, "accept", (ReferralStatus.SENT,))
        self.trigger_event(
            self.ReferralAccepted,
            referral_id=referral_id,
            note=text(note, "note", required=False),
            **stamp.event_kwargs(),
        )

    def decline_referral(
        self, referral_id: UUID, reason: str | DeclineReason | None, note: str, stamp: Stamp
    ) -> None:
        """The partner turns the referral down, with a reason code."""
        self._step(referral_id, "decline", (ReferralStatus.SENT,))
        if reason is None or (isinstance(reason, str) and not reason.strip()):
            raise DeclineReasonRequiredError(
                "reason", "a decline needs a reason: no_capacity|out_of_scope|not_eligible|other"
            )
        self.trigger_event(
            self.ReferralDeclined,
            referral_id=referral_id,
            reason=parse_code(DeclineReason, reason, "reason"),
            note=text(note, "note", required=False),
            **stamp.event_kwargs(),
        )

    def expire_referral(self, referral_id: UUID, stamp: Stamp) -> None:
        """Nobody answered in time: the referral lapses."""
        self._step(referral_id, "expire", (ReferralStatus.SENT,))
        self.trigger_event(self.ReferralExpired, referral_id=referral_id, **stamp.event_kwargs())

    def withdraw_referral(self, referral_id: UUID, reason: str, stamp: Stamp) -> None:
        """The committee takes the referral back."""
        self._step(referral_id, "withdraw", (ReferralStatus.SENT, ReferralStatus.ACCEPTED))
        self.trigger_event(
            self.ReferralWithdrawn,
            referral_id=referral_id,
            reason=text(reason, "reason", required=False, limit=500),
            **stamp.event_kwargs(),
        )

    def complete_referral(
        self, referral_id: UUID, outcome: str | ReferralOutcome, note: str, stamp: Stamp
    ) -> None:
        """The partner reports the outcome of an accepted referral."""
        self._step(referral_id, "complete", (ReferralStatus.ACCEPTED,))
        self.trigger_event(
            self.ReferralCompleted,
            referral_id=referral_id,
            outcome=parse_code(ReferralOutcome, outcome, "outcome"),
            note=text(note, "note", required=False),
            **stamp.event_kwargs(),
        )

    # --- the referral clock: lapses, escalation, undelivered notices --------------------

    def lapse_referral(
        self,
        referral_id: UUID,
        candidates: Iterable[PartnerTerms],
        respond_within: timedelta,
        stamp: Stamp,
        *,
        next_referral_id: UUID | None = None,
    ) -> Lapse:
        """Nobody answered in time: the referral expires and, in the same save, the case goes
        to the first candidate that may take it — or, with nobody left, it is escalated. While
        another partner still holds the case, it only expires."""
        lapsed = self.referral(referral_id)
        self.expire_referral(referral_id, stamp)
        if self.engaged_partner_ids:
            return Lapse(None, escalated=False)
        for partner in candidates:
            try:
                note = "" if self.erased_at else lapsed.note
                new_id = self.refer(
                    partner, note, respond_within, stamp, referral_id=next_referral_id
                )
            except (PartnerSuspendedError, PartnerExcludedError, PartnerOutOfScopeError):
                continue
            return Lapse(new_id, escalated=False)
        self.escalate(
            f"{lapsed.partner_name} did not answer in time and no other partner may take the case",
            stamp,
        )
        return Lapse(None, escalated=True)

    class Escalated(Event):
        reason: str

        def apply(self, need: Need) -> None:
            need.escalated_at = self.timestamp
            need.escalation_reason = self.reason

    def escalate(self, reason: str, stamp: Stamp) -> None:
        """Put the case on the secretary's board until someone refers or resolves it."""
        self._refuse_if_resolved()
        self.trigger_event(
            self.Escalated, reason=text(reason, "reason", limit=500), **stamp.event_kwargs()
        )

    class ReferralDeliveryFailed(Event):
        """The partner could not be told of the referral; not the partner's own step, so the
        referral's version stays as it is."""

        referral_id: UUID
        delivery_id: UUID
        attempts: int
        last_error: str

        def apply(self, need: Need) -> None:
            need.referral(self.referral_id).delivery_failed = True

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

    # --- erasure: the household's key is destroyed, the history stays -------------------

    class PersonalDataErased(Event):
        """The household's personal data was erased; only its commitments remain."""

        household_id: UUID

        def apply(self, need: Need) -> None:
            need.erased_at = self.timestamp
            need.erased_by = self.actor
            need._blank_personal_data()

    def erase_personal_data(self, stamp: Stamp) -> None:
        """Mark the case erased, so every copy of it forgets the resident; once is enough."""
        if self.erased_at is None:
            self.trigger_event(
                self.PersonalDataErased, household_id=self.household.id, **stamp.event_kwargs()
            )

    def _blank_personal_data(self) -> None:
        gone = Erased("")
        self.resident_name = self.contact_phone = self.description = self.summary = gone
        self.household = replace(self.household, unit=gone, room=gone)
        self.visits = [replace(v, notes=gone) for v in self.visits]
        self.notes = [replace(n, text=gone) for n in self.notes]
        for referral in self.referrals:
            referral.note = referral.partner_note = referral.override_reason = gone

    def _refuse_personal_data_if_erased(
        self, personal: tuple[str, ...], kwargs: dict[str, Any]
    ) -> None:
        if self.erased_at is None:
            return
        for path in personal:
            if get_path(kwargs, path) not in ("", ERASED_TEXT, None):
                raise HouseholdErasedError(
                    f"the household's personal data was erased; {path} cannot be recorded"
                )
            kwargs[path] = ""

    # --- reading the case --------------------------------------------------------------

    def referral(self, referral_id: UUID) -> Referral:
        """The referral with this id, or ReferralNotFoundError."""
        for referral in self.referrals:
            if referral.id == referral_id:
                return referral
        raise ReferralNotFoundError(f"no referral {referral_id} on this need")

    @property
    def excluded_partner_ids(self) -> frozenset[UUID]:
        """Partners that declined or let this case's referral expire: never offered it again."""
        closed = (ReferralStatus.DECLINED, ReferralStatus.EXPIRED)
        return frozenset(r.partner_id for r in self.referrals if r.status in closed)

    @property
    def engaged_partner_ids(self) -> frozenset[UUID]:
        """Partners holding an open referral for this case."""
        return frozenset(r.partner_id for r in self.referrals if r.status.is_open)

    def referral_snapshot(self, referral_id: UUID) -> Referral:
        """A copy of the referral, safe to hand to callers."""
        return replace(self.referral(referral_id))

    def _step(self, referral_id: UUID, verb: str, allowed: tuple[ReferralStatus, ...]) -> None:
        status = self.referral(referral_id).status
        if status not in allowed:
            wanted = " or ".join(s.value for s in allowed)
            raise InvalidTransitionError(
                f"cannot {verb} a referral that is {status.value}; only a {wanted} one"
            )

    def _refuse_if_resolved(self) -> None:
        if self.status is NeedStatus.RESOLVED:
            raise NeedResolvedError("the need is resolved; reopen it first")

    def _start_work(self) -> None:
        if self.status is NeedStatus.OPEN:
            self.status = NeedStatus.IN_PROGRESS


@dataclass(frozen=True)
class Lapse:
    """What became of a case when its referral lapsed."""

    next_referral_id: UUID | None
    escalated: bool


_PHONE_CHARS = set("0123456789+-() ")


def _phone(value: str | None) -> str:
    phone = text(value, "contact_phone", required=False, limit=30)
    if phone and (not set(phone) <= _PHONE_CHARS or sum(c.isdigit() for c in phone) < 3):
        raise InvalidInputError("contact_phone", f"{phone!r} is not a phone number")
    return phone
