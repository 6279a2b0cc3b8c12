"""Realistic data written straight through the applications: a partner directory, a log of
cases with visits, notes and referrals answered every way, and one long case."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID, uuid4

from kernel.checks import Stamp
from kernel.clock import SystemClock
from kernel.community import Community
from needs.domain import Need
from needs.values import Household, PartnerTerms
from partners.domain import Partner
from web.bootstrap import Services

CATEGORIES = ("poverty_relief", "hardship", "emergency", "study_aid", "worry_relief", "mediation")
KINDS = ("hospital", "police", "training", "property", "owners_committee", "ngo", "enterprise")
SAVE_EVERY = 200  # cases per transaction while writing the corpus
HISTORY_DAYS = 90


@dataclass
class Corpus:
    """What was written: counts, and the partners' terms for referring to them."""

    events: int
    needs: int
    referrals: int
    partners: list[PartnerTerms]


def community_of(services: Services) -> Community:
    return next(iter(services.needs.communities.values()))


def write_partners(
    services: Services, count: int, rng: random.Random, community: Community | None = None
) -> list[PartnerTerms]:
    """Register `count` partners (of the community, else the first), each serving 1-3
    categories in some blocks or all of them."""
    community = community or community_of(services)
    blocks = [b.code for b in community.blocks]
    now = SystemClock().now()
    made = [
        Partner.register(
            community=community.id,
            name=f"伙伴 {i:03d}",
            kind=rng.choice(KINDS),
            categories=rng.sample(CATEGORIES, rng.randint(1, 3)),
            blocks=["*"] if rng.random() < 0.3 else rng.sample(blocks, rng.randint(1, 3)),
            weekly_capacity=rng.randint(3, 20),
            actor="bench",
            occurred_at=now,
            recorded_at=now,
        )
        for i in range(count)
    ]
    for start in range(0, count, SAVE_EVERY):
        services.partners.save(*made[start : start + SAVE_EVERY])
    return [
        PartnerTerms(p.id, p.name, True, frozenset(p.categories), frozenset(p.blocks)) for p in made
    ]


class _CaseWriter:
    """Builds one case event by event, stopping at the corpus's event budget."""

    def __init__(self, need: Need, start: datetime, budget: int, rng: random.Random) -> None:
        self.need, self.at, self.budget, self.rng = need, start, budget - 1, rng

    def stamp(self, actor: str = "leader") -> Stamp:
        self.at += timedelta(hours=self.rng.uniform(0.2, 30))
        return Stamp(actor=actor, occurred_at=self.at, recorded_at=self.at)

    def do(self, step: Callable[[Stamp], object], actor: str = "leader") -> bool:
        if self.budget <= 0:
            return False
        step(self.stamp(actor))
        self.budget -= 1
        return True


def _log(community: Community, rng: random.Random, category: str, block: str, at: datetime) -> Need:
    building = rng.choice(sorted(community.block(block).buildings))
    household = Household(
        uuid4(), building, str(rng.randint(1, 4)), f"{rng.randint(1, 6)}0{rng.randint(1, 4)}"
    )
    return Need.log(
        community,
        category=category,
        block=block,
        household=household,
        resident_name="王阿姨",
        contact_phone="138 0013 8000",
        description="独居老人，行动不便，需要有人每周上门看望并帮忙买菜。",
        urgency=rng.choice(("low", "normal", "normal", "high", "critical")),
        consent_to_share=rng.random() < 0.7,
        stamp=Stamp(actor="leader", occurred_at=at, recorded_at=at),
    )


def _referral_case(w: _CaseWriter, partner: PartnerTerms, sla: timedelta) -> int:
    """Refer the case and answer the referral one of the ways partners do; referrals made."""
    n, rng = w.need, w.rng
    ids: list[UUID] = []
    if not w.do(lambda s: ids.append(n.refer(partner, "请尽快联系", sla, s))):
        return 0
    answer = rng.random()
    if answer < 0.2:
        return 1  # still waiting for the partner
    if answer < 0.3:
        w.do(lambda s: n.expire_referral(ids[0], s), "clock")
    elif answer < 0.5:
        w.do(lambda s: n.decline_referral(ids[0], "no_capacity", "本周已满", s), "partner")
    elif w.do(lambda s: n.accept_referral(ids[0], "已安排", s), "partner") and answer > 0.7:
        w.do(lambda s: n.complete_referral(ids[0], "helped", "已上门", s), "partner")
        w.do(lambda s: n.resolve("helped", "问题已解决", s))
    return 1


def _refer_and_decline(w: _CaseWriter, partner: PartnerTerms, sla: timedelta) -> None:
    n, ids = w.need, []
    w.do(lambda s: ids.append(n.refer(partner, "", sla, s)))
    w.do(lambda s: n.decline_referral(ids[0], "no_capacity", "", s), "partner")


def _plain_case(w: _CaseWriter) -> None:
    n, rng = w.need, w.rng
    if rng.random() < 0.5:
        w.do(lambda s: n.assign("leader", s))
    for _ in range(rng.randint(0, 2)):
        w.do(lambda s: n.record_visit("上门看望，情况稳定", s))
    for _ in range(rng.randint(0, 2)):
        w.do(lambda s: n.add_note("已电话联系家属", s))
    if rng.random() < 0.3:
        w.do(lambda s: n.resolve("helped", "", s))


def write_cases(
    services: Services,
    partners: list[PartnerTerms],
    *,
    events: int,
    referrals: int,
    rng: random.Random,
    progress: Callable[[int], None] | None = None,
) -> Corpus:
    """Cases totalling exactly `events` events, about `referrals` of them referrals."""
    community = community_of(services)
    blocks = [b.code for b in community.blocks]
    now = SystemClock().now()
    written = made = needs = 0
    pending: list[Need] = []
    while written < events:
        refer = made * events < referrals * max(written, 1) and bool(partners)
        partner = rng.choice(partners) if refer else None
        category = rng.choice(sorted(partner.categories)) if partner else rng.choice(CATEGORIES)
        covered = [b for b in blocks if partner is None or partner.covers(b)]
        start = now - timedelta(days=rng.uniform(1, HISTORY_DAYS))
        need = _log(community, rng, category, rng.choice(covered), start)
        writer = _CaseWriter(need, start, events - written, rng)
        if partner is not None:
            sla = timedelta(hours=community.category(category).sla_hours)
            made += _referral_case(writer, partner, sla)
        else:
            _plain_case(writer)
        written += need.version
        needs += 1
        pending.append(need)
        if len(pending) >= SAVE_EVERY or written >= events:
            services.needs.save(*pending)
            pending.clear()
            if progress is not None:
                progress(written)
    return Corpus(written, needs, made, partners)


def write_long_case(
    services: Services, partners: list[PartnerTerms], events: int, rng: random.Random
) -> UUID:
    """One case with `events` events: visits, notes, urgency changes and referrals."""
    community = community_of(services)
    start = SystemClock().now() - timedelta(days=HISTORY_DAYS * 4)
    need = _log(community, rng, "hardship", "B3", start)
    writer = _CaseWriter(need, start, events, rng)
    sla = timedelta(hours=48)
    takers = [p for p in partners if p.serves("hardship") and p.covers("B3")]
    while writer.budget > 0:
        step = need.version % 10
        if step == 3 and takers:
            partner = takers.pop(need.version % len(takers))
            _refer_and_decline(writer, partner, sla)
        elif step == 7:
            urgency = ("normal", "high")[need.version % 2]
            writer.do(partial(need.change_urgency, urgency, "情况有变化"))
        elif step % 2:
            writer.do(lambda s: need.record_visit("每周上门", s))
        else:
            writer.do(lambda s: need.add_note("家属来电", s))
    # Each 50th event takes a snapshot as the service does, at the same save.
    services.needs.save(need)
    return need.id
