"""Referring a need straight to a partner's offering (资源清单): across the needs and the
partner directory. The referral goes to the offering's partner and its note names the offering
and its next session, so the partner (its inbox, its webhook) sees which; the offering keeps
the referral's id, so the resource list knows what was sent its way."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from kernel.errors import ConflictError
from partners.exceptions import OfferingNotFoundError
from partners.offerings import OfferingRecord
from web.operations.casework import Casework


class OfferingWithdrawnError(ConflictError):
    """A need may not be referred to an offering that was withdrawn."""


def offering_note(offering: OfferingRecord, session: str, note: str) -> str:
    """The referral's note: the offering, its session, then what the leader wrote."""
    head = f"【{offering.title}】" + (f"{session} " if session else "") + offering.where
    return f"{head.strip()}\n{note}".strip()


def refer_to_offering(
    casework: Casework,
    offering_id: UUID,
    need_id: UUID,
    note: str = "",
    *,
    community: str,
    actor: str,
    **opts: Any,
) -> UUID:
    """Refer the need to the offering's partner, naming the offering; returns the referral id.
    (Two stores: should noting it on the offering fail, the referral stands and names it.)"""
    book = casework.partners.offerings
    offering = book.get(offering_id)
    if offering.community != community:
        raise OfferingNotFoundError(offering_id)
    if offering.withdrawn:
        raise OfferingWithdrawnError(f"offering {offering.title!r} is withdrawn")
    next_day = offering.next_session(casework.today())
    session = next_day.isoformat() if next_day else ""
    referral_id = casework.refer(
        need_id, offering.partner_id, offering_note(offering, session, note), actor=actor, **opts
    )
    if str(referral_id) not in book.get(offering_id).referral_ids:  # a retry notes it once
        book.note_referral(offering_id, referral_id, session, actor=actor)
    return referral_id
