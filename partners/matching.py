"""The matching policy: which partners may take a need, and in what order to offer them.

Pure functions over plain values; no I/O, so the same facts always give the same ranking.

Hard filter: a partner is left out unless it is active, serves the need's category, covers its
block (or all blocks, "*"), is not in `excluded_partner_ids` (declined or let expire this case's
referral) and not in `engaged_partner_ids` (already holds a sent or accepted referral on it).

Score, 0..100: the weighted sum of four factors, each between 0 and 1.

- capacity left, weight 35: (weekly_capacity - sent_this_week) / weekly_capacity, floored at 0.
- acceptance rate, weight 30: (accepted + 1) / (accepted + declined + expired + 2). One accepted
  and one declined pseudo-answer pull a short history toward 0.5, so a single answer does not
  decide; no history at all scores 0.5.
- speed to accept, weight 20: sla / (sla + median_hours_to_accept). 1 when instant, 0.5 at the
  category's answer deadline, falling after it; no record scores 0.5.
- open load, weight 15: 1 / (1 + open_load / weekly_capacity). 1 when nothing is open, 0.5 when
  as many referrals are open as the partner takes in a week.

A partner with no capacity left this week keeps a quarter of its score (at most 16.3): still
offered, since the block leader may know better, but it sinks below nearly every partner that can
take the case.

A partner that has paused new referrals on the need's day ("today") ranks out: it is listed last,
with score 0 and the one reason "paused until <last day>: <why>", and takes no referral until its
pause ends, by the calendar, with no job to run. A partner's capacity this week is the one it set
for this week, if it did, else its weekly capacity.

Order: score descending (as rounded to one decimal), then name, then partner id, so equal inputs
give equal rankings whatever order the partners arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from partners.views import PartnerRecord

CAPACITY_WEIGHT = 35.0
ACCEPTANCE_WEIGHT = 30.0
SPEED_WEIGHT = 20.0
LOAD_WEIGHT = 15.0
FULL_WEEK_FACTOR = 0.25
PRIOR_ANSWERS = 2
NEUTRAL = 0.5


@dataclass(frozen=True)
class NeedFacts:
    """What the policy needs to know about a need."""

    category: str
    block: str
    excluded_partner_ids: frozenset[UUID]
    engaged_partner_ids: frozenset[UUID]
    sla_hours: float
    today: date | None = None

    def __post_init__(self) -> None:
        if not self.sla_hours > 0:
            raise ValueError(f"sla_hours must be positive, not {self.sla_hours!r}")


@dataclass(frozen=True)
class PartnerStats:
    """A partner's referral history from the referral read model; all zero or None when none."""

    sent_this_week: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    median_hours_to_accept: float | None = None
    open_load: int = 0


@dataclass(frozen=True)
class Reason:
    """One reason behind a match's score: a stable machine code and a sentence with the figures."""

    code: str
    text: str


@dataclass(frozen=True)
class Match:
    """A partner that may take the need, its score and why."""

    partner_id: UUID
    name: str
    score: float
    reasons: tuple[Reason, ...]


NO_STATS = PartnerStats()


def rank_partners(
    need: NeedFacts, partners: Iterable[PartnerRecord], stats: Mapping[UUID, PartnerStats]
) -> list[Match]:
    """The partners that may take the need, best first, each with its score and reasons."""
    eligible = [partner for partner in partners if is_eligible(need, partner)]
    paused = [p for p in eligible if need.today is not None and p.paused_on(need.today)]
    matches = [
        score_partner(need, partner, stats.get(partner.partner_id, NO_STATS))
        for partner in eligible
        if partner not in paused
    ]
    ranked = sorted(matches, key=lambda match: (-match.score, match.name, match.partner_id))
    return ranked + [ranked_out(p) for p in sorted(paused, key=lambda p: (p.name, p.partner_id))]


def ranked_out(partner: PartnerRecord) -> Match:
    """A paused partner: listed last, with nothing but the reason it takes no referral now."""
    text = f"paused until {partner.paused_until}: {partner.pause_reason}"
    return Match(partner.partner_id, partner.name, 0.0, (Reason("paused", text),))


def is_eligible(need: NeedFacts, partner: PartnerRecord) -> bool:
    """Whether the hard filter lets the partner be offered this need at all."""
    return (
        partner.active
        and partner.serves(need.category)
        and partner.covers(need.block)
        and partner.partner_id not in need.excluded_partner_ids
        and partner.partner_id not in need.engaged_partner_ids
    )


def score_partner(need: NeedFacts, partner: PartnerRecord, stats: PartnerStats) -> Match:
    """Score one eligible partner for the need and say why."""
    weekly = partner.weekly_capacity if need.today is None else partner.capacity_for(need.today)
    capacity, capacity_reason = _capacity(weekly, stats.sent_this_week)
    acceptance, acceptance_reason = _acceptance(stats)
    speed, speed_reason = _speed(stats.median_hours_to_accept, need.sla_hours)
    load, load_reason = _load(stats.open_load, weekly)
    score = (
        CAPACITY_WEIGHT * capacity
        + ACCEPTANCE_WEIGHT * acceptance
        + SPEED_WEIGHT * speed
        + LOAD_WEIGHT * load
    )
    if capacity == 0:
        score *= FULL_WEEK_FACTOR
    return Match(
        partner_id=partner.partner_id,
        name=partner.name,
        score=round(score, 1),
        reasons=(capacity_reason, acceptance_reason, speed_reason, load_reason),
    )


def _capacity(weekly_capacity: int, sent_this_week: int) -> tuple[float, Reason]:
    left = max(weekly_capacity - sent_this_week, 0)
    if weekly_capacity <= 0:
        return 0.0, Reason("no_capacity_left", "takes no referrals this week (weekly capacity 0)")
    if left == 0:
        sent = _count(sent_this_week, "referral")
        text = f"no capacity left this week: {sent} sent, weekly capacity {weekly_capacity}"
        return 0.0, Reason("no_capacity_left", text)
    text = f"{left} of {_count(weekly_capacity, 'weekly referral')} left this week"
    return left / weekly_capacity, Reason("capacity_left", text)


def _acceptance(stats: PartnerStats) -> tuple[float, Reason]:
    answered = stats.accepted + stats.declined + stats.expired
    if answered == 0:
        return NEUTRAL, Reason("no_history", "no history yet: no past referral answered")
    rate = (stats.accepted + NEUTRAL * PRIOR_ANSWERS) / (answered + PRIOR_ANSWERS)
    share = f"{stats.accepted / answered:.0%}"
    text = f"accepted {stats.accepted} of {_count(answered, 'past referral')} ({share})"
    return rate, Reason("acceptance_rate", text)


def _speed(median_hours: float | None, sla_hours: float) -> tuple[float, Reason]:
    if median_hours is None:
        return NEUTRAL, Reason("no_acceptance_time", "no time to accept on record yet")
    median = max(median_hours, 0.0)
    speed = sla_hours / (sla_hours + median)
    figures = f"usually accepts in {_hours(median)} (answer deadline {_hours(sla_hours)})"
    if median <= sla_hours / 2:
        return speed, Reason("fast_to_accept", figures)
    if median <= sla_hours:
        return speed, Reason("accepts_in_time", figures)
    return speed, Reason("slow_to_accept", figures)


def _load(open_load: int, weekly_capacity: int) -> tuple[float, Reason]:
    if open_load <= 0:
        return 1.0, Reason("no_open_referrals", "no open referrals")
    load = 1 / (1 + open_load / max(weekly_capacity, 1))
    text = f"{_count(open_load, 'open referral')} against a weekly capacity of {weekly_capacity}"
    if open_load >= weekly_capacity:
        return load, Reason("busy", f"busy: {text}")
    return load, Reason("open_load", text)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _hours(hours: float) -> str:
    return f"{round(hours, 1):g} h"
