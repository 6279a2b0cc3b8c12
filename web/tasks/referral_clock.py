"""The referral clock: a sent referral whose answer deadline has passed expires, and the case
goes to the next best partner the matching policy offers — or, with none left, is escalated."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from kernel.errors import ConcurrentUpdateError, ConflictError, NotFoundError

if TYPE_CHECKING:
    from web.bootstrap import Services

log = logging.getLogger(__name__)

CLOCK_ACTOR = "clock"


def check_referral_clocks(services: Services, now: datetime) -> dict[str, int]:
    """Lapse every referral overdue by `now`; safe to run twice, and by two workers at once:
    a referral already answered, expired or withdrawn is skipped. Returns what was done."""
    services.follower.catch_up()
    done: Counter[str] = Counter()
    for row in services.board.list_due_referrals(now):
        done[lapse(services, UUID(row["referral_id"]))] += 1
    return dict(done)


def lapse(services: Services, referral_id: UUID) -> str:
    """Expire one overdue referral and move its case on; says which way it went."""
    casework = services.casework
    try:
        need_id, _ = casework.locate_referral(referral_id)
        candidates = [casework.partner_terms(m.partner_id) for m in casework.matches(need_id)]
        result = services.needs.lapse_referral(need_id, referral_id, candidates, actor=CLOCK_ACTOR)
    except (ConflictError, NotFoundError, ConcurrentUpdateError) as refusal:
        # Answered, withdrawn or expired meanwhile (perhaps by another run): nothing to do.
        log.info("referral %s left as it is: %s", referral_id, refusal)
        return "skipped"
    if result.next_referral_id is not None:
        return "re-offered"
    return "escalated" if result.escalated else "expired"
