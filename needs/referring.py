"""A case's referrals to partners and the referral clock: the Need aggregate's commands that
hand the case to a partner and follow the partner's answers (the rules: needs.referral_rules).
The aggregate (needs.domain) takes them in as a base class; the events they trigger are its own
(`Need.Referred`, …)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4

from kernel.checks import Stamp, text
from needs import referral_rules as rules
from needs.values import (
    DeclineReason,
    PartnerTerms,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    parse_code,
)

SENT, ACCEPTED = ReferralStatus.SENT, ReferralStatus.ACCEPTED


class Referring:
    """The referral commands of a case (mixed into needs.domain.Need)."""

    referrals: list[Referral]
    category: str
    block: str
    Referred: ClassVar[type[Any]]
    ReferralAccepted: ClassVar[type[Any]]
    ReferralDeclined: ClassVar[type[Any]]
    ReferralExpired: ClassVar[type[Any]]
    ReferralWithdrawn: ClassVar[type[Any]]
    ReferralCompleted: ClassVar[type[Any]]
    ReferralDeliveryFailed: ClassVar[type[Any]]

    if TYPE_CHECKING:

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

        def _refuse_if_resolved(self) -> None: ...

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

    def accept_referral(self, referral_id: UUID, note: str, stamp: Stamp) -> None:
        """The partner takes the referral on."""
        self._step(referral_id, "accept", (SENT,))
        note = text(note, "note", required=False)
        self._referral_event(self.ReferralAccepted, referral_id, stamp, note=note)

    def decline_referral(
        self, referral_id: UUID, reason: str | DeclineReason | None, note: str, stamp: Stamp
    ) -> None:
        """The partner turns the referral down, with a reason code."""
        self._step(referral_id, "decline", (SENT,))
        code = rules.decline_reason(reason)
        note = text(note, "note", required=False)
        self._referral_event(self.ReferralDeclined, referral_id, stamp, reason=code, note=note)

    def expire_referral(self, referral_id: UUID, stamp: Stamp) -> None:
        """Nobody answered in time: the referral lapses."""
        self._step(referral_id, "expire", (SENT,))
        self._referral_event(self.ReferralExpired, referral_id, stamp)

    def withdraw_referral(self, referral_id: UUID, reason: str, stamp: Stamp) -> None:
        """The committee takes the referral back."""
        self._step(referral_id, "withdraw", (SENT, ACCEPTED))
        reason = text(reason, "reason", required=False, limit=500)
        self._referral_event(self.ReferralWithdrawn, referral_id, stamp, reason=reason)

    def complete_referral(
        self, referral_id: UUID, outcome: str | ReferralOutcome, note: str, stamp: Stamp
    ) -> None:
        """The partner reports the outcome of an accepted referral."""
        self._step(referral_id, "complete", (ACCEPTED,))
        result = parse_code(ReferralOutcome, outcome, "outcome")
        note = text(note, "note", required=False)
        self._referral_event(self.ReferralCompleted, referral_id, stamp, outcome=result, note=note)

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
