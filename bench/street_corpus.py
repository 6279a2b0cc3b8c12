"""A synthetic street (街道) written straight through the applications: its communities in one
deployment, each with its households, partners and a year of cases at the demo's rates
scaled up — referrals answered every way, visits and notes."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

from bench.corpus import CATEGORIES, SAVE_EVERY, _CaseWriter, _referral_case, write_partners
from kernel.checks import Stamp
from kernel.clock import SystemClock
from kernel.community import DEMO_COMMUNITY, Community, community_from_dict, community_id
from needs.domain import Need
from needs.exceptions import OpenReferralsError
from needs.values import Household, NeedStatus
from web.bootstrap import Services

DAYS = 365  # a year of activity


@dataclass(frozen=True)
class StreetSizes:
    """The whole street at scale 1: 长征镇's ~20 committees, 1,400 households each, a year of
    cases (about 200,000 needs, 2 million events)."""

    communities: int = 20
    households: int = 1400
    needs: int = 200_000
    events_a_need: int = 10
    referral_share: float = 0.3
    partners: int = 25  # in each community

    def scaled(self, scale: float) -> StreetSizes:
        """Households and needs scaled (at least a few of each); communities and partners not."""
        return StreetSizes(
            communities=self.communities,
            households=max(4, round(self.households * scale)),
            needs=max(self.communities * 3, round(self.needs * scale)),
            events_a_need=self.events_a_need,
            referral_share=self.referral_share,
            partners=self.partners,
        )


@dataclass
class Written:
    """What was written, per community: the needs' ids (for reads) and the counts."""

    needs: dict[str, list[UUID]] = field(default_factory=dict)
    events: int = 0
    referrals: int = 0
    households: int = 0
    partners: int = 0


def communities(count: int) -> list[Community]:
    """`count` communities shaped as the demo one (its blocks and menu), each its own id."""
    blocks = [
        {"code": b.code, "name": b.name, "buildings": sorted(b.buildings)}
        for b in DEMO_COMMUNITY.blocks
    ]
    made = [DEMO_COMMUNITY]
    for n in range(1, count):
        made.append(
            community_from_dict(
                {"id": community_id(f"street-{n:02d}"), "name": f"居委会 {n:02d}", "blocks": blocks}
            )
        )
    return made


def community_file(folder: Path, street: list[Community]) -> Path:
    """The COMMUNITY_FILE naming every community of the street."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "street.json"
    data = [
        {
            "id": c.id,
            "name": c.name,
            "blocks": [
                {"code": b.code, "name": b.name, "buildings": sorted(b.buildings)} for b in c.blocks
            ],
        }
        for c in street
    ]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _households(
    community: Community, count: int, rng: random.Random
) -> list[tuple[str, Household]]:
    """Distinct addresses across the community's blocks, each with its block."""
    found: dict[tuple[str, int, str, str], Household] = {}
    blocks = list(community.blocks)
    while len(found) < count:
        block = rng.choice(blocks)
        building = rng.choice(sorted(block.buildings))
        unit, room = str(rng.randint(1, 6)), f"{rng.randint(1, 18)}0{rng.randint(1, 4)}"
        key = (block.code, building, unit, room)
        found.setdefault(key, Household(uuid4(), building, unit, room))
    return [(k[0], found[k]) for k in sorted(found, key=str)]


def _records(w: _CaseWriter, rng: random.Random, visits: int) -> None:
    """Visits and notes through the year; sometimes the case is resolved at the end."""
    n = w.need
    if n.status is NeedStatus.RESOLVED:
        return
    if rng.random() < 0.5:
        w.do(lambda s: n.assign("leader", s))
    for _ in range(visits):
        if rng.random() < 0.6:
            w.do(lambda s: n.record_visit("上门看望，情况稳定", s))
        else:
            w.do(lambda s: n.add_note("已电话联系家属", s))
    if rng.random() < 0.4:
        with suppress(OpenReferralsError):  # a partner still has it: it stays open
            w.do(lambda s: n.resolve("helped", "问题已解决", s))


def write_street(
    services: Services,
    street: list[Community],
    sizes: StreetSizes,
    rng: random.Random,
    progress: Callable[[str], None],
) -> Written:
    """Every community's partners and cases; after_save is left as the caller set it."""
    written = Written()
    now = SystemClock().now()
    per_community = max(1, sizes.needs // len(street))
    for index, community in enumerate(street):
        partners = write_partners(services, sizes.partners, rng, community)
        homes = _households(community, sizes.households, rng)
        written.partners += len(partners)
        written.households += len(homes)
        ids: list[UUID] = []
        pending: list[Need] = []
        for _ in range(per_community):
            block, home = rng.choice(homes)
            takers = [p for p in partners if p.covers(block)]
            partner = rng.choice(takers) if takers and rng.random() < sizes.referral_share else None
            category = rng.choice(sorted(partner.categories)) if partner else rng.choice(CATEGORIES)
            start = now - timedelta(days=rng.uniform(1, DAYS))
            need = Need.log(
                community,
                category=category,
                block=block,
                household=home,
                resident_name="王阿姨",
                contact_phone="138 0013 8000",
                description="独居老人，行动不便，需要有人每周上门看望并帮忙买菜。",
                urgency=rng.choice(("low", "normal", "normal", "high", "critical")),
                consent_to_share=rng.random() < 0.7,
                stamp=Stamp(actor="leader", occurred_at=start, recorded_at=start),
            )
            writer = _CaseWriter(need, start, sizes.events_a_need * 3, rng)
            if partner is not None:
                sla = timedelta(hours=community.category(category).sla_hours)
                written.referrals += _referral_case(writer, partner, sla)
            visits = max(0, round(rng.gauss(sizes.events_a_need - 1.5, 3)))
            _records(writer, rng, visits)
            written.events += need.version
            ids.append(need.id)
            pending.append(need)
            if len(pending) >= SAVE_EVERY:
                services.needs.save(*pending)
                pending.clear()
        if pending:
            services.needs.save(*pending)
        written.needs[community.id] = ids
        progress(
            f"community {index + 1}/{len(street)} written: {len(ids):,} needs, "
            f"{written.events:,} events so far"
        )
    return written
