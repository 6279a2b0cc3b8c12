"""The commands on the case itself: logging it, who owns it, visits, notes, urgency, consent,
closing and reopening it, escalation and erasure. Mixed into Need, whose events they trigger."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4

from kernel.checks import Stamp, phone, text
from kernel.community import Community
from needs.exceptions import NeedNotResolvedError, NeedResolvedError
from needs.referral_rules import refuse_open_referrals
from needs.values import Household, NeedStatus, Referral, Resolution, Urgency, parse_code
from store.chain import GENESIS, link

if TYPE_CHECKING:
    from needs.domain import Need


class CaseCommands:
    """Need's commands on the case as a whole."""

    # What the commands use of Need, declared for the type checker only: Need defines them.
    if TYPE_CHECKING:
        status: NeedStatus
        household: Household
        referrals: list[Referral]
        erased_at: datetime | None
        NeedLogged: ClassVar[type[Need.NeedLogged]]
        Assigned: ClassVar[type[Need.Assigned]]
        VisitRecorded: ClassVar[type[Need.VisitRecorded]]
        NoteAdded: ClassVar[type[Need.NoteAdded]]
        UrgencyChanged: ClassVar[type[Need.UrgencyChanged]]
        ConsentGiven: ClassVar[type[Need.ConsentGiven]]
        ConsentWithdrawn: ClassVar[type[Need.ConsentWithdrawn]]
        Resolved: ClassVar[type[Need.Resolved]]
        Reopened: ClassVar[type[Need.Reopened]]
        Escalated: ClassVar[type[Need.Escalated]]
        PersonalDataErased: ClassVar[type[Need.PersonalDataErased]]

        @classmethod
        def _create(cls, event_class: Any, *, id: UUID | None = None, **kwargs: Any) -> Need: ...

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

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
            contact_phone=phone(contact_phone),
            description=text(description, "description"),
            urgency=parse_code(Urgency, urgency, "urgency"),
            consent_to_share=bool(consent_to_share),
            salt=secrets.token_hex(16),
            **stamp.event_kwargs(),
        )
        kind, personal = cls.NeedLogged.__name__, cls.NeedLogged.personal
        chain = link(GENESIS, need_id, 1, kind, stamp.recorded_at, content, personal)
        return cls._create(cls.NeedLogged, id=need_id, chain=chain, **content)

    def assign(self, assignee: str, stamp: Stamp) -> None:
        """Give the case to a person who answers for it."""
        self._refuse_if_resolved()
        assignee = text(assignee, "assignee", limit=150)
        self.trigger_event(self.Assigned, assignee=assignee, **stamp.event_kwargs())

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
        refuse_open_referrals(self.referrals)
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

    def escalate(self, reason: str, stamp: Stamp) -> None:
        """Put the case on the secretary's board until someone refers or resolves it."""
        self._refuse_if_resolved()
        reason = text(reason, "reason", limit=500)
        self.trigger_event(self.Escalated, reason=reason, **stamp.event_kwargs())

    def erase_personal_data(self, stamp: Stamp) -> None:
        """Mark the case erased, so every copy of it forgets the resident; once is enough."""
        if self.erased_at is None:
            self.trigger_event(
                self.PersonalDataErased, household_id=self.household.id, **stamp.event_kwargs()
            )

    def _refuse_if_resolved(self) -> None:
        if self.status is NeedStatus.RESOLVED:
            raise NeedResolvedError("the need is resolved; reopen it first")
