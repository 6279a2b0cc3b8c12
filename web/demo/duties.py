"""The demo's three fives: in every block a few households with watched members and life
events, four weeks of visits and asks done on time, late or not yet, and a few records — so
each demo leader's "today" and the compliance board have something to show."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from duties.values import local_day
from kernel.clock import ManualClock
from kernel.community import Block, Community
from web.bootstrap import Services
from web.demo.data import RANDOM_SEED

DAYS = 28
MEMBERS = ("张阿姨", "李伯伯", "王奶奶", "赵师傅", "陈大爷", "刘阿婆", "孙叔叔")
GROUPS = ("elderly_alone", "seriously_ill", "unemployed", "special_care", "united_front")
LIFE_EVENTS = ("moved_in", "hospitalised", "wedding_or_funeral", "disaster_or_theft", "new_tenant")
NOTES = {
    "visit": ("上门看望，情况稳定", "已走访，家属在场", "送去慰问品"),
    "ask": ("电话问候，一切安好", "上门聊天，精神不错", "询问近况，暂无困难"),
}
RECORDS = (
    ("suggestion", "建议在楼道加装扶手"),
    ("good_deed", "邻居主动帮独居老人买菜"),
    ("concern", "居民担心小区停车位不足"),
)
DONE_EACH_DAY = 0.45  # how likely an open duty is done on a given day
EVENT_EACH_DAY = 0.12  # how likely a block has a new life event on a given day


def seed_duties(
    services: Services,
    community: Community,
    clock: ManualClock,
    now: datetime,
    echo: Callable[[str], None],
) -> None:
    """Four weeks of the three fives in every block, unless households are watched already
    (the demo needs' households are registered, but nobody in them is watched)."""
    if services.duties_view.watched_households():
        echo("households: already there, none added")
        return
    rng = random.Random(RANDOM_SEED)
    start = now - timedelta(days=DAYS)
    clock.set(start)
    homes = {b.code: _households(services, community, b, rng) for b in community.blocks}
    for day in range(1, DAYS):
        clock.set(start + timedelta(days=day))
        _a_day(services, community, homes, rng)
    # In every block a visit overdue, one due in a few hours and one due later this week, so
    # each leader's "today" shows what the page is for.
    for ago, n, life_event in (
        (72, 0, "hospitalised"),
        (164, 2, "moved_in"),
        (48, 1, "new_tenant"),
    ):
        clock.set(now - timedelta(hours=ago))
        for block in community.blocks:
            _life_event(services, homes[block.code][n], life_event)
    clock.set(now - timedelta(hours=2))
    for kind, text in RECORDS:
        for block in community.blocks[:3]:
            services.duties.make_record(
                community=community.id,
                kind=kind,
                block=block.code,
                household_id=None if kind == "concern" else homes[block.code][1],
                text=text,
                actor=_leader(block),
            )
    households = sum(len(h) for h in homes.values())
    echo(f"households: {households} registered, with four weeks of visits and asks")


def _households(
    services: Services, community: Community, block: Block, rng: random.Random
) -> list[UUID]:
    homes = []
    for n, building in enumerate(sorted(block.buildings)[:3]):
        home = services.duties.register_household(
            community=community.id,
            block=block.code,
            building=building,
            unit=str(rng.randint(1, 3)),
            room=f"{rng.randint(1, 6)}0{rng.randint(1, 2)}",
            actor=_leader(block),
        )
        member = MEMBERS[(int(block.code[1:]) + n) % len(MEMBERS)]
        group = GROUPS[n % 2] if n < 2 else rng.choice(GROUPS[2:])
        starts_on = local_day(services.clock.now())
        services.duties.join_group(home, member, group, starts_on, actor=_leader(block))
        homes.append(home)
    return homes


def _a_day(
    services: Services, community: Community, homes: dict[str, list[UUID]], rng: random.Random
) -> None:
    now = services.clock.now()
    for block_homes in homes.values():
        for home in block_homes:
            services.duties.fall_due(home, now)
        if rng.random() < EVENT_EACH_DAY:
            _life_event(services, rng.choice(block_homes), rng.choice(LIFE_EVENTS))
    rows, _ = services.duties_view.list_duties(community.id, None, "all", now, now)
    for row in rows:
        if rng.random() < DONE_EACH_DAY:
            services.duties.discharge_duty(
                UUID(row["duty_id"]),
                rng.choice(NOTES[row["kind"]]),
                actor=f"leader{row['block'].removeprefix('B')}",
            )


def _life_event(services: Services, home: UUID, life_event: str) -> None:
    household = services.duties.load_household(home)
    leader = f"leader{household.block.removeprefix('B')}"
    services.duties.record_life_event(home, life_event, "", actor=leader)


def _leader(block: Block) -> str:
    return f"leader{block.code.removeprefix('B')}"
