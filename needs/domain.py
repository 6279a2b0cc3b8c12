"""The Need aggregate: one event stream is the whole history of a case. Its state, then its
commands, each followed by the events it triggers (stored as `needs.domain:Need.<Event>`): the case
itself, its referrals to partners, the erasure of the resident's data."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Self, cast
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from kernel.checks import Stamp, phone, text
from kernel.community import Community
from needs import events
from needs import referral_rules as rules
from needs.erasure import salt_personal_data
from needs.exceptions import FollowUpRefusedError, NeedNotResolvedError, NeedResolvedError
from needs.referring import Referring
from needs.values import (
    FollowUp,
    FollowUpVerdict,
    Household,
    NeedStatus,
    Note,
    Referral,
    Resolution,
    Urgency,
    Visit,
    parse_code,
)
from store.chain import GENESIS, link


class Need(Referring, Aggregate):
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

    class Event(events.NeedEvent):
        """An event of a case: actor, the two clocks and its link in the chain."""

    # Bound here, each is redefined as Need.<Name> and keeps its stored topic (ReferralEvent
    # before the referral's events, so they stay its subclasses).
    NeedLogged = events.NeedLogged
    DuplicateNoted = events.DuplicateNoted
    Assigned = events.Assigned
    VolunteerAssigned = events.VolunteerAssigned
    VisitRecorded = events.VisitRecorded
    NoteAdded = events.NoteAdded
    UrgencyChanged = events.UrgencyChanged
    ConsentGiven = events.ConsentGiven
    ConsentWithdrawn = events.ConsentWithdrawn
    Resolved = events.Resolved
    Reopened = events.Reopened
    FollowedUp = events.FollowedUp
    Escalated = events.Escalated
    Referred = events.Referred
    ReferralEvent = events.ReferralEvent
    ReferralAccepted = events.ReferralAccepted
    ReferralDeclined = events.ReferralDeclined
    ReferralExpired = events.ReferralExpired
    ReferralWithdrawn = events.ReferralWithdrawn
    ReferralCompleted = events.ReferralCompleted
    ReferralDeliveryFailed = events.ReferralDeliveryFailed
    PersonalDataErased = events.PersonalDataErased

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

    def note_duplicate(self, duplicate_of: UUID, confirmed: bool, stamp: Stamp) -> None:
        """Note that the household had an open need in this category when this one was logged:
        confirmed when the leader logged it anyway, else flagged for the leader to look at."""
        self.trigger_event(
            self.DuplicateNoted,
            duplicate_of=duplicate_of,
            confirmed=bool(confirmed),
            **stamp.event_kwargs(),
        )

    def assign(self, assignee: str, stamp: Stamp, *, reason: str | None = None) -> None:
        """Give the case to a person who answers for it (`reason`: e.g. "handover")."""
        self._refuse_if_resolved()
        assignee = text(assignee, "assignee", limit=150)
        reason = text(reason, "reason", required=False, limit=100) or None
        self.trigger_event(self.Assigned, assignee=assignee, reason=reason, **stamp.event_kwargs())

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

    def record_visit(self, notes: str, stamp: Stamp) -> None:
        """Record a visit to the household (occurred_at is when the visit took place)."""
        self._refuse_if_resolved()
        notes = text(notes, "notes", required=False)
        self.trigger_event(self.VisitRecorded, notes=notes, **stamp.event_kwargs())

    def add_note(self, note: str, stamp: Stamp) -> None:
        """Add a note; notes are welcome at any stage, resolved cases included."""
        self.trigger_event(self.NoteAdded, text=text(note, "text"), **stamp.event_kwargs())

    def change_urgency(self, urgency: str | Urgency, reason: str, stamp: Stamp) -> None:
        """Raise or lower the urgency, saying why."""
        self._refuse_if_resolved()
        level = parse_code(Urgency, urgency, "urgency")
        reason = text(reason, "reason", required=False, limit=500)
        self.trigger_event(
            self.UrgencyChanged, urgency=level, reason=reason, **stamp.event_kwargs()
        )

    def record_consent(self, consent_to_share: bool, stamp: Stamp) -> None:
        """Record the resident's consent to share personal data with partners, or its withdrawal."""
        event = self.ConsentGiven if consent_to_share else self.ConsentWithdrawn
        self.trigger_event(event, **stamp.event_kwargs())

    def resolve(self, outcome: str | Resolution, summary: str, stamp: Stamp) -> None:
        """Close the case; not while a partner still holds an open referral."""
        self._refuse_if_resolved()
        rules.refuse_open_referrals(self.referrals)
        result = parse_code(Resolution, outcome, "outcome")
        summary = text(summary, "summary", required=False)
        self.trigger_event(self.Resolved, outcome=result, summary=summary, **stamp.event_kwargs())

    def reopen(self, reason: str, stamp: Stamp) -> None:
        """Open a resolved case again, saying why."""
        if self.status is not NeedStatus.RESOLVED:
            raise NeedNotResolvedError(
                f"only a resolved need can be reopened; this one is {self.status.value}"
            )
        reason = text(reason, "reason", limit=500)
        self.trigger_event(self.Reopened, reason=reason, **stamp.event_kwargs())

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

    def escalate(self, reason: str, stamp: Stamp) -> None:
        """Put the case on the secretary's board until someone refers or resolves it."""
        self._refuse_if_resolved()
        reason = text(reason, "reason", limit=500)
        self.trigger_event(self.Escalated, reason=reason, **stamp.event_kwargs())

    def _refuse_if_resolved(self) -> None:
        if self.status is NeedStatus.RESOLVED:
            raise NeedResolvedError("the need is resolved; reopen it first")

    def _start_work(self) -> None:
        if self.status is NeedStatus.OPEN:
            self.status = NeedStatus.IN_PROGRESS

    # --- erasure: the household's key is destroyed, the history stays (needs.erasure) --------

    def erase_personal_data(self, stamp: Stamp) -> None:
        """Mark the case erased, so every copy of it forgets the resident; once is enough."""
        if self.erased_at is None:
            self.trigger_event(
                self.PersonalDataErased, household_id=self.household.id, **stamp.event_kwargs()
            )
