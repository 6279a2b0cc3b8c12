"""The referral clock's rule: a referral nobody answered in time lapses, and in the same save the
case goes on to the first partner that may still take it — or, with nobody left, up to the
secretary. While another partner still holds the case, the lapse only expires the referral."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from kernel.checks import Stamp
from needs.domain import Need
from needs.exceptions import PartnerExcludedError, PartnerOutOfScopeError, PartnerSuspendedError
from needs.values import PartnerTerms

# What refer() raises for a partner that may not take the case: the next candidate is tried.
NOT_FOR_THIS_PARTNER = (PartnerSuspendedError, PartnerExcludedError, PartnerOutOfScopeError)


@dataclass(frozen=True)
class Lapse:
    """What became of a case when its referral lapsed."""

    next_referral_id: UUID | None
    escalated: bool


def lapse(
    need: Need,
    referral_id: UUID,
    candidates: Iterable[PartnerTerms],
    respond_within: timedelta,
    stamp: Stamp,
    *,
    next_referral_id: UUID | None = None,
) -> Lapse:
    """Expire the referral; refer the case on to a candidate that may take it, or escalate."""
    lapsed = need.referral(referral_id)
    need.expire_referral(referral_id, stamp)
    if need.engaged_partner_ids:
        return Lapse(None, escalated=False)
    note = "" if need.erased_at else lapsed.note
    for partner in candidates:
        try:
            new_id = need.refer(partner, note, respond_within, stamp, referral_id=next_referral_id)
        except NOT_FOR_THIS_PARTNER:
            continue
        return Lapse(new_id, escalated=False)
    need.escalate(
        f"{lapsed.partner_name} did not answer in time and no other partner may take the case",
        stamp,
    )
    return Lapse(None, escalated=True)
