"""The regular asks: when a watched member's next ask falls due, and the ask still open."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from duties.rules import ASK, DutyRules
from duties.values import Duty, Membership, local_day


def open_ask(duties: Iterable[Duty], membership: Membership) -> Duty | None:
    """The membership's ask that is due and not yet discharged, if any."""
    for duty in duties:
        if (
            duty.is_open
            and duty.kind == ASK
            and (duty.cause_id, duty.reason) == (membership.member_id, membership.group)
        ):
            return duty
    return None


def asks_falling_due(
    memberships: Iterable[Membership], duties: list[Duty], now: datetime, rules: DutyRules
) -> list[tuple[Membership, date]]:
    """Each active membership whose next ask's day has come and that has no ask open."""
    today = local_day(now)
    falling = []
    for m in memberships:
        if not m.active_on(today) or open_ask(duties, m) is not None:
            continue
        anchor = local_day(m.last_contact_at) if m.last_contact_at else m.starts_on
        due_on = anchor + timedelta(days=rules.ask_every(m.group))
        if due_on <= today:
            falling.append((m, due_on))
    return falling
