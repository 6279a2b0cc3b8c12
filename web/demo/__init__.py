"""The demo community's history for `seed-demo`: 怒江苑's partners, twelve weeks of needs, the
three fives, and building 7's lift retrofit with building 22's after it."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY, Community
from partners.views import PartnerRecord
from web.bootstrap import Services, build_services
from web.config import Settings
from web.demo.centre import seed_follow_ups, seed_offline_duplicate, seed_volunteer_groups
from web.demo.data import PARTNER_MODES, PARTNERS, RANDOM_SEED, WEEKS, DemoPartner
from web.demo.duties import seed_duties
from web.demo.offerings import seed_offerings
from web.demo.plan import plan_needs
from web.demo.projects import seed_projects
from web.demo.timeline import Timeline


class DemoCommunityMissingError(RuntimeError):
    """The deployment is configured without the demo community."""


def seed(settings: Settings, *, echo: Callable[[str], None], now: datetime | None = None) -> str:
    """Load the demo partners and needs unless they are there already; returns a summary."""
    now = now or datetime.now(UTC)
    community = demo_community(settings)
    start = now - timedelta(weeks=WEEKS)
    clock = ManualClock(start)
    services = build_services(settings, clock=clock)
    try:
        partners = register_partners(services, community, echo)
        services.follower.catch_up()
        _, existing = services.view.list_needs(community.id, limit=1)
        if existing:
            echo(f"needs: {existing} already in {community.name}, none added")
        else:
            rng = random.Random(RANDOM_SEED)
            plans = plan_needs(community, rng, start, now)
            Timeline(services, clock, partners, now, echo).run(plans)
            seed_follow_ups(services, community, clock, now, rng, echo)
            seed_offline_duplicate(services, community, clock, now)
        seed_duties(services, community, clock, now, echo)
        seed_projects(services, community, echo)
        seed_offerings(services, community, echo)
        seed_volunteer_groups(services, community)
        return summary(services, community, now)
    finally:
        services.close()


def demo_community(settings: Settings) -> Community:
    """The demo community, which the deployment must serve."""
    for community in settings.communities:
        if community.id == DEMO_COMMUNITY.id:
            return community
    raise DemoCommunityMissingError(
        f"this deployment does not serve the demo community {DEMO_COMMUNITY.name}; "
        "unset COMMUNITY_FILE or add it there"
    )


def register_partners(
    services: Services, community: Community, echo: Callable[[str], None]
) -> dict[UUID, DemoPartner]:
    """Register the partners not yet in the directory; returns every demo partner by id."""
    by_id: dict[UUID, DemoPartner] = {}
    added = 0
    for spec in PARTNERS:
        found: PartnerRecord | None = services.partners.find_by_name(community.id, spec.name)
        if found is None:
            partner_id = services.partners.register_partner(
                community=community.id,
                name=spec.name,
                kind=spec.kind,
                categories=list(spec.categories),
                blocks=list(spec.blocks),
                weekly_capacity=spec.weekly_capacity,
                contact=spec.contact,
                mode=PARTNER_MODES.get(spec.name, ""),
                actor="secretary",
            )
            added += 1
        else:
            partner_id = found.partner_id
            if not found.mode and spec.name in PARTNER_MODES:  # seeded before modes were kept
                services.partners.change_details(
                    partner_id,
                    name=found.name,
                    kind=found.kind,
                    mode=PARTNER_MODES[spec.name],
                    actor="secretary",
                )
        by_id[partner_id] = spec
    echo(f"partners: {added} registered, {len(PARTNERS) - added} already there")
    return by_id


def summary(services: Services, community: Community, now: datetime) -> str:
    """One line on what the demo community holds."""
    partners = services.partners.list_partners(community.id)
    rows, needs = services.view.list_needs(community.id, limit=100_000)
    referrals = sum(services.view.list_referrals(p.partner_id, limit=1)[1] for p in partners)
    oldest = min((row["logged_at"] for row in rows), default=now)
    weeks = max(1, math.ceil((now - oldest) / timedelta(weeks=1)))
    return (
        f"demo ready: {len(partners)} partners, {needs} needs ({referrals} referrals) "
        f"in {community.name} over {weeks} weeks"
    )
