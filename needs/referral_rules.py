"""The referral rules: which partner may take a case, which step a referral may take next, and
how each step changes the referral."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from needs.exceptions import (
    DeclineReasonRequiredError,
    InvalidTransitionError,
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
    PartnerTerms,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    parse_code,
)


class Sending(Protocol):
    """What a referral is sent with: the fields of the case's `Referred` event."""

    @property
    def referral_id(self) -> UUID: ...
    @property
    def partner_id(self) -> UUID: ...
    @property
    def partner_name(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def timestamp(self) -> datetime: ...
    @property
    def respond_by(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def override_reason(self) -> str: ...


def sent(referred: Sending) -> Referral:
    """The referral a `Referred` event sends to its partner."""
    return Referral(
        id=referred.referral_id,
        partner_id=referred.partner_id,
        partner_name=referred.partner_name,
        status=ReferralStatus.SENT,
        note=referred.note,
        sent_at=referred.timestamp,
        respond_by=referred.respond_by,
        sent_by=referred.actor,
        override_reason=referred.override_reason,
    )


def accepted(referral: Referral, at: datetime, note: str) -> None:
    """The partner took the referral on."""
    referral.status = ReferralStatus.ACCEPTED
    referral.responded_at = at
    referral.partner_note = note


def declined(referral: Referral, at: datetime, reason: DeclineReason, note: str) -> None:
    """The partner turned the referral down."""
    referral.status = ReferralStatus.DECLINED
    referral.responded_at = at
    referral.decline_reason = reason
    referral.partner_note = note
    referral.closed_at = at


def decline_reason(reason: str | DeclineReason | None) -> DeclineReason:
    """A decline's reason code: a partner never declines without one."""
    if reason is None or (isinstance(reason, str) and not reason.strip()):
        raise DeclineReasonRequiredError(
            "reason", "a decline needs a reason: no_capacity|out_of_scope|not_eligible|other"
        )
    return parse_code(DeclineReason, reason, "reason")


def completed(referral: Referral, at: datetime, outcome: ReferralOutcome, note: str) -> None:
    """The partner reported the outcome."""
    referral.status = ReferralStatus.COMPLETED
    referral.outcome = outcome
    referral.partner_note = note
    referral.closed_at = at


def closed(referral: Referral, at: datetime, status: ReferralStatus) -> None:
    """The referral ended without the partner's answer (expired or withdrawn)."""
    referral.status = status
    referral.closed_at = at


def find_referral(referrals: Iterable[Referral], referral_id: UUID) -> Referral:
    """The referral with this id, or ReferralNotFoundError."""
    for referral in referrals:
        if referral.id == referral_id:
            return referral
    raise ReferralNotFoundError(f"no referral {referral_id} on this need")


def excluded_partner_ids(referrals: Iterable[Referral]) -> frozenset[UUID]:
    """Partners that declined or let the case's referral expire: never offered it again."""
    closed = (ReferralStatus.DECLINED, ReferralStatus.EXPIRED)
    return frozenset(r.partner_id for r in referrals if r.status in closed)


def engaged_partner_ids(referrals: Iterable[Referral]) -> frozenset[UUID]:
    """Partners holding an open referral for the case."""
    return frozenset(r.partner_id for r in referrals if r.status.is_open)


def check_partner_may_take(partner: PartnerTerms, referrals: Sequence[Referral]) -> None:
    """A suspended partner, or one that let this case go or holds it already, may not take it."""
    if not partner.active:
        raise PartnerSuspendedError(f"{partner.name} is suspended and takes no new referrals")
    if partner.partner_id in excluded_partner_ids(referrals):
        raise PartnerExcludedError(
            f"{partner.name} already declined or let this case's referral expire"
        )
    if partner.partner_id in engaged_partner_ids(referrals):
        raise PartnerAlreadyEngagedError(f"{partner.name} already holds a referral for this case")


def check_scope(
    partner: PartnerTerms, category: str, block: str, override: str, may_override: bool
) -> None:
    """A partner outside its categories or blocks takes a case only by the secretary's override,
    with a reason; only the secretary gives an override reason at all."""
    if not (partner.serves(category) and partner.covers(block)):
        if not may_override:
            raise PartnerOutOfScopeError(
                f"{partner.name} does not serve {category} in block {block}"
            )
        if not override:
            raise OverrideNotAllowedError(
                f"{partner.name} does not serve {category} in block {block}; "
                "referring anyway needs an override reason"
            )
    elif override and not may_override:
        raise OverrideNotAllowedError("only the secretary may give an override reason")


def check_step(referral: Referral, verb: str, allowed: tuple[ReferralStatus, ...]) -> None:
    """A referral takes a step only from the statuses that allow it."""
    if referral.status not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise InvalidTransitionError(
            f"cannot {verb} a referral that is {referral.status.value}; only a {wanted} one"
        )


def refuse_open_referrals(referrals: Iterable[Referral]) -> None:
    """A case is not closed while a partner still holds an open referral."""
    still_open = [r for r in referrals if r.status.is_open]
    if still_open:
        names = ", ".join(f"{r.partner_name} ({r.status.value})" for r in still_open)
        raise OpenReferralsError(
            f"the case still has open referrals: {names}; withdraw them or wait for the outcome"
        )
